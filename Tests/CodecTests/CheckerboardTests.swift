import XCTest
import GradientChecking
import EntropyCoding
import Foundation
import Images
import Serialization
import Training
@testable import Codec
@testable import NN

final class CheckerboardTests: XCTestCase {
    let architecture = Architecture(kind: .checkerboard, N: 8, M: 5, hyperN: 6, contextN: 4, lambdas: [0.01, 0.1])

    /// A checkerboard model whose mean head, signed h_a and context are switched on (they
    /// start at zero) and whose gains are spread out.
    func makeModel() -> (CompressionModel, CheckerboardHyperprior) {
        let model = CompressionModel(architecture, seed: 5)
        let prior = model.prior as! CheckerboardHyperprior
        var rng = SplitMix64(seed: 8)
        for p in prior.meanHead.parameters + prior.fusion.parameters + prior.hyper.signed!.parameters {
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
        // The integer networks run in the int16 GEMM where the CPU has it and their weights fit
        // (here all but the fusion, whose 1×1 layers have so few taps that the quantizer gives
        // them larger weights): sgemm picks the same tables.
        let sgemm = try ImageCodec(modelFile: file)
        let networks = try XCTUnwrap(sgemm.coder as? CheckerboardCoder).indexer.networks
        if BLASRuntime.int16Supported { XCTAssertEqual(networks.filter { $0.precision == .int16 }.count, 4) }
        networks.forEach { $0.configure(.float32) }
        XCTAssertEqual(try sgemm.decodeLatents(try Container(decoding: bytes, maxPixels: 1 << 20)), symbols, "float32")
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
        let corrections = { (yHat: [Int32]) in
            let delta = coder.indexer.corrections(yHat, hidden: hidden, quality: 50, geometry: geometry)
            let second = (0..<(yHat.count / 2))
            return (scale: second.map { delta.scale[$0] }, mean: second.map { delta.mean[$0] })
        }
        let delta = corrections(yHat)
        XCTAssertTrue(delta.mean.contains { $0 != 0 } && delta.scale.contains { $0 != 0 })
        // Anchors alone feed the context: changing a non-anchor changes no correction.
        var moved = yHat
        moved[1] += 5
        XCTAssertFalse(CheckerboardHyperprior.isAnchor(row: 0, column: 1))
        XCTAssertEqual(corrections(moved).mean, delta.mean)
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

    /// With the committed checkpoint on a Kodak photo, the integer networks' tables charge ŷ
    /// within 1% of what the Float32 networks' Gaussians charge it (the tables quantize the
    /// scale to 64 steps and the mean to eighths): the integers follow the trained networks.
    func testIntegerTablesCostWhatTheFloatModelDoesOnKodak() throws {
        let root = GoldenTests.root
        let photo = root.deletingLastPathComponent().appendingPathComponent("shared/datasets/kodak/kodim05.png")
        guard let photoBytes = FileManager.default.contents(atPath: photo.path) else {
            throw XCTSkip("../shared/datasets/kodak is absent; skipping the integer context rate check")
        }
        let file = try ParameterFile(decoding: Array(try Data(contentsOf: root.appendingPathComponent("checkpoints/codec.ckpt"))))
        let model = try Trainer(resuming: file, options: Trainer<CompressionModel>.Options()).model
        let prior = try XCTUnwrap(model.prior as? CheckerboardHyperprior, "the committed checkpoint is the checkerboard model")
        let codec = try ImageCodec(modelFile: ImageCodec.export(model))
        let coder = try XCTUnwrap(codec.coder as? CheckerboardCoder)
        let image = try ImageFile.decode(Array(photoBytes)).rgb()
        let x = Tensor(n: 1, c: 3, h: image.height, w: image.width, data: image.samples)
        for quality in [1, 50, 100] {
            let (y, yHat) = codec.analyse(x, quality: quality)
            var encoder = RangeEncoder()
            let schedule = coder.encodeSideInformation(y, quality: quality, into: &encoder)
            let tables = schedule.tables(given: yHat)
            let integer = zip(yHat, tables).reduce(0.0) { $0 + Double($1.1.bits($1.0)) }
            // The same latents under the Float32 layers, as training computes them.
            let hyper = prior.hyper
            let level = hyper.gains.nearestLevel(quality: quality)
            let (zGain, zInverse) = hyper.gains.vectors(level: level)
            let z = hyper.h_a.infer(y.map { abs($0) })
            let zDecoded = Tensor(n: 1, c: z.c, h: z.h, w: z.w, data: (0..<z.count).map { k in
                (z.data[k] * zGain[k / z.planeSize]).rounded() * zInverse[k / z.planeSize]
            })
            let (gain, inverse) = model.gains.vectors(at: model.gains.position(quality: quality))
            let decoded = Tensor(n: 1, c: y.c, h: y.h, w: y.w, data: yHat.indices.map { Float(yHat[$0]) * inverse[$0 / y.planeSize] })
            let hidden = prior.trunk.infer(zDecoded)
            let crop = { (t: Tensor) in Hyperprior.cropped(t, height: y.h, width: y.w) }
            let c = prior.context.infer(CheckerboardHyperprior.keeping(anchors: true, of: decoded))
            let delta = CheckerboardHyperprior.keeping(anchors: false, of: prior.fusion.infer(.concatenating(channels: [c, crop(hidden)])))
            let sigma = crop(prior.scaleHead.infer(hidden)) + delta.channels(0..<y.c)
            let mean = crop(prior.meanHead.infer(hidden)) + delta.channels(y.c..<2 * y.c)
            let v = Tensor(n: 1, c: y.c, h: y.h, w: y.w, data: yHat.map(Float.init))
            let float = GaussianConditional.bits(v, sigma: sigma.map { max($0, 0) }, mean: mean, gains: gain)
            XCTAssertLessThan(integer / float, 1.01, "quality \(quality): \(integer) bits against \(float)")
        }
    }
}
