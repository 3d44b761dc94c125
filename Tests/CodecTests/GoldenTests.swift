import Foundation
import XCTest
@testable import Codec
import Images
import NN

/// The committed .aeic files must keep decoding to their committed PNGs with the shipped
/// model: a drift in the format, the tables or the numerics fails here. (BLAS may round the
/// last bit differently on another CPU; that may move a pixel by one level, never a symbol.)
final class GoldenTests: XCTestCase {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func load(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: GoldenTests.root.appendingPathComponent(path)))
    }

    func testShippedModelLoads() throws {
        let bytes = try XCTUnwrap(ImageCodec.defaultModelBytes(), "the default model is not in the bundle")
        XCTAssertLessThanOrEqual(bytes.count, 10 << 20, "shipped model must stay ≤ 10 MB")
        _ = try ImageCodec(modelFile: bytes)
    }

    func testGoldenFilesDecode() throws {
        let codec = try ImageCodec(modelFile: XCTUnwrap(ImageCodec.defaultModelBytes()))
        for stem in ["rgb-q50", "grey-q20", "rgba-q80"] {
            let decoded = try codec.decompress(try load("fixtures/golden/\(stem).aeic"), maxPixels: 1 << 20)
            let expected = try ImageFile.decode(try load("fixtures/golden/\(stem).png"))
            let actual = Image(width: decoded.rgb.w, height: decoded.rgb.h, channels: decoded.channels,
                               samples: decoded.samples, alpha: decoded.alpha)
            XCTAssertEqual(actual.channels, expected.channels, stem)
            let difference = zip(actual.samples, expected.samples).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(difference, 1.5 / 255, "\(stem): decoded pixels drifted")
            XCTAssertEqual(decoded.alpha.map { $0.map { ($0 * 255).rounded() } },
                           expected.alpha.map { $0.map { ($0 * 255).rounded() } }, stem)
        }
    }
}
