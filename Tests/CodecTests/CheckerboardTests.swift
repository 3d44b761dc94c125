import XCTest
import GradientChecking
import EntropyCoding
@testable import Codec
@testable import NN

final class CheckerboardTests: XCTestCase {
    let architecture = Architecture(kind: .checkerboard, N: 8, M: 5, hyperN: 6, contextN: 4, lambdas: [0.01, 0.1])

    /// A checkerboard model whose mean head and context are switched on (they start at zero)
    /// and whose gains are spread out.
    func makeModel() -> (CompressionModel, CheckerboardHyperprior) {
        let model = CompressionModel(architecture, seed: 5)
        let prior = model.prior as! CheckerboardHyperprior
        var rng = SplitMix64(seed: 8)
        for p in prior.meanHead.parameters + prior.fusion.parameters {
            p.value = p.value.map { _ in (rng.uniform() - 0.5) * 0.6 }
        }
        for gains in [model.gains, prior.hyper.gains] {
            gains.gain.value = gains.gain.value.map { $0 * (2 + 4 * rng.uniform()) }
        }
        return (model, prior)
    }

    /// Warm-started from a scale hyperprior (the mean head and the context's output at zero),
    /// the checkerboard prior charges exactly what the hyperprior does.
    func testStartsWhereTheScaleHyperpriorIs() {
        var plain = architecture
        (plain.kind, plain.contextN) = (.hyperprior, nil)
        let hyperModel = CompressionModel(plain, seed: 5), model = CompressionModel(architecture, seed: 6)
        for p in model.parameters {
            if let source = hyperModel.parameters.first(where: { $0.name == p.name }) { p.value = source.value }
        }
        let y = randomTensor(n: 2, c: 5, h: 5, w: 6, seed: 3, scale: 3)
        func bits(_ m: CompressionModel) -> Double {
            var rng = SplitMix64(seed: 4)
            let q = GainedQuantization(y, gains: m.gains, levels: [0, 1], rng: &rng)
            var dNoisy = [Float](repeating: 0, count: y.count), dGain = [Float](repeating: 0, count: 10)
            return m.prior.bits(y, q, rng: &rng, scale: 1, dNoisy: &dNoisy, dGain: &dGain).bits
        }
        XCTAssertEqual(bits(model), bits(hyperModel), accuracy: 1e-6 * bits(hyperModel))
    }

    /// The file's symbols come back exactly, and the tables that code them do not depend on
    /// the transforms' precision or thread count (the integer networks pick them).
    func testSymbolsAreTheSameUnderEveryCompute() throws {
        let (model, _) = makeModel()
        let file = ImageCodec.export(model)
        let x = testImage(h: 70, w: 90)
        let reference = try ImageCodec(modelFile: file)
        let bytes = reference.compress(x, alpha: nil, channels: 3, quality: 70)
        let symbols = reference.analyse(x, quality: 70).yHat
        XCTAssertTrue(symbols.contains { $0 != 0 }, "a test that codes only zeros proves little")
        for compute in [Compute(precision: .bfloat16, workers: 1), Compute(precision: .float32, workers: 2),
                        Compute(precision: .bfloat16, workers: 2)] {
            let codec = try ImageCodec(modelFile: file, compute: compute)
            let container = try Container(decoding: bytes, maxPixels: 1 << 20)
            XCTAssertEqual(try codec.decodeLatents(container), symbols, "\(compute)")
        }
    }

    /// The context's integer corrections are live, and read the anchors alone.
    func testContextReadsTheAnchors() throws {
        let (model, _) = makeModel()
        let codec = try ImageCodec(modelFile: ImageCodec.export(model))
        guard let coder = codec.coder as? CheckerboardCoder else { return XCTFail("checkerboard coder expected") }
        let geometry = LatentGeometry(height: 64, width: 80)
        let zHat = [Int32](repeating: 2, count: 6 * geometry.zPlane)
        let hidden = coder.indexer.hidden(zHat, quality: 50, geometry: geometry)
        var yHat = [Int32](repeating: 0, count: 5 * geometry.yPlane)
        for k in yHat.indices { yHat[k] = Int32(k % 7) - 3 }
        let delta = coder.indexer.corrections(yHat, hidden: hidden, quality: 50, geometry: geometry)
        XCTAssertTrue(delta.mean.contains { $0 != 0 } && delta.scale.contains { $0 != 0 })
        // Anchors alone feed the context: changing a non-anchor changes no correction.
        var moved = yHat
        moved[1] += 5
        XCTAssertFalse(CheckerboardHyperprior.isAnchor(row: 0, column: 1))
        XCTAssertEqual(coder.indexer.corrections(moved, hidden: hidden, quality: 50, geometry: geometry).mean, delta.mean)
    }

    /// Damaged integer networks are refused by the loader, never run.
    func testSerialisationRoundTripsAndDamageIsRefused() throws {
        let (model, prior) = makeModel()
        let quantized = CheckerboardIndexer.quantize(prior, gains: model.gains)
        XCTAssertEqual(try CheckerboardIndexer.Quantized(decoding: quantized.encoded), quantized)
        for cut in stride(from: 0, to: quantized.encoded.count, by: 97) {
            XCTAssertThrowsError(try CheckerboardIndexer.Quantized(decoding: Array(quantized.encoded.prefix(cut))))
        }
        var broken = quantized
        broken.fusion.weights[0][0] = Int32.max / 2
        XCTAssertThrowsError(try CheckerboardIndexer(broken, prior: prior))
        broken = quantized
        broken.yGain[0] = Int32.max
        XCTAssertThrowsError(try CheckerboardIndexer(broken, prior: prior))
    }
}
