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
        for stem in ["rgb-q50", "grey-q20", "rgba-q80", "rgb-icc-q60"] {
            let decoded = try codec.decompress(try load("fixtures/golden/\(stem).aeic"), maxPixels: 1 << 20)
            let expected = try ImageFile.decode(try load("fixtures/golden/\(stem).png"))
            let actual = Image(rgb: decoded.rgb.data, width: decoded.rgb.w, height: decoded.rgb.h,
                               channels: decoded.channels, alpha: decoded.alpha)
            XCTAssertEqual(actual.channels, expected.channels, stem)
            let difference = zip(actual.samples, expected.samples).map { abs($0 - $1) }.max() ?? 0
            XCTAssertLessThanOrEqual(difference, 1.5 / 255, "\(stem): decoded pixels drifted")
            XCTAssertEqual(decoded.alpha.map { $0.map { ($0 * 255).rounded() } },
                           expected.alpha.map { $0.map { ($0 * 255).rounded() } }, stem)
        }
    }

    /// Two codecs of the shipped model, one made for float32 and one for bfloat16, live side
    /// by side in one process: the golden files decode to the same symbols under both (the
    /// integer h_s picks the tables whatever the precision), to pixels within a few levels,
    /// and the float32 codec is unaffected by the other's existence.
    func testPrecisionsCoexistAndAgreeOnSymbols() throws {
        guard BLASRuntime.bfloat16Supported else { throw XCTSkip("this CPU has no AVX512_BF16") }
        let bytes = try XCTUnwrap(ImageCodec.defaultModelBytes())
        let float32 = try ImageCodec(modelFile: bytes)
        let bfloat16 = try ImageCodec(modelFile: bytes, compute: Compute(precision: .bfloat16))
        for stem in ["rgb-q50", "grey-q20", "rgba-q80", "rgb-icc-q60"] {
            let file = try load("fixtures/golden/\(stem).aeic")
            let container = try Container(decoding: file, maxPixels: 1 << 20)
            XCTAssertEqual(try float32.decodeLatents(container), try bfloat16.decodeLatents(container), stem)
            let (a, b) = (try float32.decompress(file, maxPixels: 1 << 20), try bfloat16.decompress(file, maxPixels: 1 << 20))
            let difference = zip(a.rgb.data, b.rgb.data).map { abs($0 - $1) }.max() ?? 0
            XCTAssertGreaterThan(difference, 0, "\(stem): bfloat16 should round differently")
            XCTAssertLessThanOrEqual(difference, 4 / 255, stem)
        }
    }
}
