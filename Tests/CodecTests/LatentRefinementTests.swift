import Foundation
import XCTest
@testable import Codec
import EntropyCoding
import Images
import NN

final class LatentRefinementTests: XCTestCase {
    /// The rate gradient is the derivative of the spline through the table's costs: it
    /// matches central differences of the spline inside each piece, meets the straight-line
    /// slope at the half-integers from both sides, and is 0 at a symmetric table's mode.
    func testRateSlopeIsTheSplinesDerivative() {
        let p = (-6...6).map { k in exp(-abs(Double(k)) / 1.3) }
        let table = CDFTable(offset: -6, probabilities: p + [1e-4])
        func spline(_ v: Float) -> Float {
            let n = Int32(v.rounded()), t = v - Float(n)
            let (before, at, after) = (table.bits(n - 1), table.bits(n), table.bits(n + 1))
            return at + t * (after - before) / 2 + t * t * (after - 2 * at + before) / 2
        }
        for v: Float in [-2.3, -0.8, -0.2, 0.3, 1.1, 2.4, 3.9] {
            let h: Float = 1e-2
            let numeric = (spline(v + h) - spline(v - h)) / (2 * h)
            XCTAssertEqual(LatentRefinement.rateSlope(table, at: v), numeric, accuracy: 1e-2, "v = \(v)")
        }
        for n: Int32 in -3...3 {
            let line = table.bits(n + 1) - table.bits(n)
            XCTAssertEqual(LatentRefinement.rateSlope(table, at: Float(n) + 0.4999), line, accuracy: 1e-3)
            XCTAssertEqual(LatentRefinement.rateSlope(table, at: Float(n) + 0.5001), line, accuracy: 1e-3)
        }
        XCTAssertEqual(LatentRefinement.rateSlope(table, at: 0), 0, accuracy: 1e-5)
    }

    /// The search's distortion and its gradient, computed tile by tile (so that any size fits
    /// in memory), are those of the whole image in one piece, up to GEMM rounding.
    func testTiledDistortionIsTheWholeImages() throws {
        let model = CompressionModel(Architecture(N: 8, M: 4, lambdas: [0.01, 0.1]), seed: 3)
        let (h, w) = (70, 90)
        let x = testImage(h: h, w: w)
        var rng = SplitMix64(seed: 2)
        let geometry = LatentGeometry(height: h, width: w)
        let decoded = Tensor(n: 1, c: 4, h: geometry.yHeight, w: geometry.yWidth,
                             data: (0..<4 * geometry.yPlane).map { _ in rng.uniform() * 4 - 2 })
        var small = ImageCodec.Tiles()
        small.tile = 2
        let (a, da) = LatentRefinement.distortion(of: decoded, x, model: model, weight: 100, tiles: small, gradient: true)
        let (b, db) = LatentRefinement.distortion(of: decoded, x, model: model, weight: 100, tiles: ImageCodec.Tiles(), gradient: true)
        XCTAssertEqual(a, b, accuracy: 1e-5 * b)
        XCTAssertTrue(db.data.contains { $0 != 0 })
        for (p, q) in zip(da.data, db.data) { XCTAssertEqual(p, q, accuracy: 1e-5 * max(1, abs(q))) }
        model.g_s.clearCache()
    }

    /// Refined files decode with the unchanged decoder at every size, with either prior.
    func testRefinedFilesDecodeAtOddSizes() throws {
        for kind in Architecture.Kind.allCases {
            let codec = try tinyCodec(kind: kind)
            for (h, w) in [(1, 1), (15, 2), (33, 20)] {
                let x = testImage(h: h, w: w)
                let bytes = codec.compress(x, alpha: nil, channels: 3, quality: 40, refinement: LatentRefinement(steps: 3))
                XCTAssertEqual(try codec.decompress(bytes, maxPixels: 1 << 20).rgb.shape, [1, 3, h, w], "\(kind) \(h)x\(w)")
            }
            XCTAssertFalse(codec.model.g_s.parameters.contains { $0.frozen || $0.grad.contains { $0 != 0 } },
                           "refinement leaves g_s as it found it")
        }
    }

    /// With the shipped model on a photo, the refined file costs less in what the search
    /// minimises, measured on the file itself: 8·bytes/pixels + λ·255²·MSE of its decoding.
    func testRefinementLowersTheFilesRateDistortionCost() throws {
        let codec = try ImageCodec(modelFile: XCTUnwrap(ImageCodec.defaultModelBytes()))
        let photo = try ImageFile.decode(Array(try Data(contentsOf: GoldenTests.root.appendingPathComponent("samples/coffee.png")))).rgb()
        let (h, w) = (96, 160)
        let x = Tensor(n: 1, c: 3, h: h, w: w, data: (0..<3 * h * w).map { k in
            photo.samples[(k / (h * w) * photo.height + k / w % h) * photo.width + k % w]
        })
        let quality = 30
        let lambda = codec.model.architecture.lambda(at: codec.model.gains.position(quality: quality))
        func cost(_ refinement: LatentRefinement) throws -> Double {
            let bytes = codec.compress(x, alpha: nil, channels: 3, quality: quality, refinement: refinement)
            let decoded = try codec.decompress(bytes, maxPixels: 1 << 20).rgb
            let mse = zip(decoded.data, x.data).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } / Double(x.count)
            return Double(bytes.count * 8) / Double(h * w) + Double(lambda) * 255 * 255 * mse
        }
        let (plain, refined) = (try cost(.none), try cost(LatentRefinement(steps: 8)))
        XCTAssertLessThan(refined, plain * 0.99, "refined \(refined), g_a's latents \(plain)")
    }
}
