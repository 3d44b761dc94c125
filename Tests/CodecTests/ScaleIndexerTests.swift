import XCTest
import EntropyCoding
import Images
@testable import Codec
@testable import NN
import Training
import Serialization

final class ScaleIndexerTests: XCTestCase {
    let architecture = Architecture(kind: Architecture.Kind.hyperprior, N: 8, M: 5, hyperN: 6, lambdas: [0.01, 0.1])

    /// A hyperprior model with spread-out gains, its exported codec and integer h_s.
    func makeCodec() throws -> (CompressionModel, Hyperprior, ImageCodec, ScaleIndexer) {
        let model = CompressionModel(architecture, seed: 5)
        guard let hyper = model.prior as? Hyperprior else { throw XCTSkip("not a hyperprior model") }
        var rng = SplitMix64(seed: 8)
        for gains in [model.gains, hyper.gains] {
            gains.gain.value = gains.gain.value.map { $0 * (0.5 + 2 * rng.uniform()) }
            gains.inverse.value = gains.inverse.value.map { $0 * (0.5 + 2 * rng.uniform()) }
        }
        let codec = try ImageCodec(modelFile: ImageCodec.export(model))
        guard let coder = codec.coder as? HyperpriorCoder else { throw XCTSkip("not a hyperprior codec") }
        return (model, hyper, codec, coder.indexer)
    }

    func randomZ(_ count: Int, seed: UInt64, spread: Int32 = 40) -> [Int32] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { _ in Int32(rng.next() % UInt64(2 * spread + 1)) - spread }
    }

    /// The layers compute what exact Int64 arithmetic computes (an oracle written with plain
    /// loops), in sgemm with any thread count and in the int16 GEMM.
    func testIndexesAreExact() throws {
        let (_, _, _, indexer) = try makeCodec()
        let (h, w) = (7, 10)
        let z = randomZ(6 * 2 * 3, seed: 1)
        let (expected, accumulators) = oracle(indexer, z, quality: 37, height: h, width: w)
        func check(_ what: String) {
            XCTAssertEqual(indexer.scales(z, quality: 37, height: h, width: w).data.map { Int64($0) }, accumulators, what)
            XCTAssertEqual(indexer.indexes(z, quality: 37, height: h, width: w), expected, what)
        }
        if BLASRuntime.int16Supported {
            XCTAssertTrue(IntegerNetwork.fitsInt16(indexer.quantized.weights, inputBounds: indexer.network.inputBounds))
            indexer.network.configure(.int16)
            check("int16")
        }
        indexer.network.configure(.float32)
        check("float32, default threads")
        let threads = BLASRuntime.threads
        defer { BLASRuntime.threads = threads }
        BLASRuntime.threads = 1
        check("float32, one thread")
        XCTAssertGreaterThan(Set(expected).count, 3, "the test should reach several tables")
        XCTAssertGreaterThan(accumulators.map(\.magnitude).max()!, 1 << 20, "the test should reach large sums")
    }

    /// The quantizer fills the exact range: each layer's worst partial sum is within a factor
    /// of 2 of 2^24, and one more bit would leave it.
    func testQuantizationUsesTheExactRange() throws {
        let (_, hyper, _, indexer) = try makeCodec()
        for (l, layer) in hyper.synthesisLayers.enumerated() {
            let q = indexer.quantized
            let bound = IntegerNetwork.bound(layer, q.weights[l], q.biases[l], input: ScaleIndexer.inputBounds(hyper)[l])
            XCTAssertLessThan(bound, IntegerNetwork.exactLimit)
            XCTAssertGreaterThan(bound, IntegerNetwork.exactLimit / 3, "layer \(l)")
        }
    }

    /// The integer network picks the table the trained Float32 network's scale is nearest to,
    /// for nearly every latent.
    func testIntegerNetworkFollowsTheFloatOne() throws {
        let (model, hyper, _, indexer) = try makeCodec()
        let reference = CompressionModel(architecture, seed: 5)
        guard let trained = reference.prior as? Hyperprior else { return XCTFail() }
        for (a, b) in zip(trained.parameters + reference.gains.parameters, hyper.parameters + model.gains.parameters) {
            a.value = b.value
        }
        let (h, w, quality) = (12, 8, 80)
        let z = randomZ(6 * 3 * 2, seed: 2, spread: 6)
        let zInverse = trained.gains.vectors(level: trained.gains.nearestLevel(quality: quality)).inverse
        let zHat = Tensor(n: 1, c: 6, h: 3, w: 2, data: z.indices.map { Float(z[$0]) * zInverse[$0 / 6] })
        let sigma = Hyperprior.cropped(trained.h_s.infer(zHat), height: h, width: w)
        let gain = reference.gains.vectors(at: reference.gains.position(quality: quality)).gain
        let logScales = GaussianConditional.scaleTable.map { log($0) }
        let indexes = indexer.indexes(z, quality: quality, height: h, width: w)
        var agree = 0
        for k in indexes.indices {
            let s = log(Double(max(sigma.data[k] * gain[k / (h * w)], 1e-9)))
            let nearest = logScales.indices.min { abs(logScales[$0] - s) < abs(logScales[$1] - s) }!
            if abs(nearest - Int(indexes[k])) <= (nearest == Int(indexes[k]) ? 0 : 1) { agree += 1 }
        }
        XCTAssertGreaterThan(Double(agree) / Double(indexes.count), 0.97)
    }

    func testSerialisationRoundTripsAndInexactWeightsAreRefused() throws {
        let (model, hyper, _, indexer) = try makeCodec()
        XCTAssertEqual(try ScaleIndexer.Quantized(decoding: indexer.quantized.encoded), indexer.quantized)
        var broken = indexer.quantized
        broken.weights[1][0] = 1 << 20
        XCTAssertThrowsError(try ScaleIndexer(broken, hyper: hyper, latentChannels: 5)) {
            XCTAssertEqual($0 as? ParameterFileError, .malformed("integer network layer 1 is not exact in Float32"))
        }
        var file = try ParameterFile(decoding: ImageCodec.export(model))
        file.blobs[HyperpriorCoder.blobs.indexer] = broken.encoded
        XCTAssertThrowsError(try ImageCodec(modelFile: file.encoded()))
        for cut in [0, 1, 10, indexer.quantized.encoded.count - 1] {
            XCTAssertThrowsError(try ScaleIndexer.Quantized(decoding: Array(indexer.quantized.encoded.prefix(cut))))
        }
    }

    // MARK: The oracle: the same network in Int64, with plain loops.

    /// The indexes and the last layer's outputs.
    func oracle(_ indexer: ScaleIndexer, _ z: [Int32], quality: Int, height: Int, width: Int) -> ([UInt8], [Int64]) {
        let q = indexer.quantized, zc = indexer.zChannels
        var (h, w) = ((height + 3) / 4, (width + 3) / 4)
        let limit = indexer.network.inputBounds[0]
        var a = z.indices.map { k -> Int64 in
            let v = IntegerNetwork.shifted(Int64(z[k]) * Int64(q.zInverse[indexer.zGains.nearestLevel(quality: quality) * zc + k / (h * w)]), by: ScaleIndexer.gainBits)
            return min(max(v, -limit), limit)
        }
        for (l, layer) in indexer.network.layers.enumerated() {
            if let deconv = layer as? ConvTranspose2D {
                a = transposedConvolution(a, q.weights[l], q.biases[l], inputs: deconv.inChannels,
                                          outputs: deconv.outChannels, h: h, w: w)
                (h, w) = (2 * h, 2 * w)
            } else if let conv = layer as? Conv2D {
                a = convolution(a, q.weights[l], q.biases[l], inputs: conv.inChannels, outputs: conv.outChannels, h: h, w: w)
            }
            if l < indexer.network.layers.count - 1 {
                a = a.map { min(max(IntegerNetwork.shifted($0, by: q.exponents[l]), 0), indexer.network.inputBounds[l + 1]) }
            }
        }
        let m = indexer.yChannels
        let indexes = (0..<(m * height * width)).map { k in
            let (c, row, col) = (k / (height * width), k / width % height, k % width)
            let s = a[(c * h + row) * w + col] * Int64(q.yGain[(quality - 1) * m + c])
            return UInt8(q.thresholds.filter { $0 <= s }.count)
        }
        return (indexes, a)
    }

    /// 5×5, stride 2, padding 2, output padding 1; weight (C_in, C_out, 5, 5).
    func transposedConvolution(_ x: [Int64], _ weight: [Int32], _ bias: [Int32], inputs: Int, outputs: Int,
                               h: Int, w: Int) -> [Int64] {
        let (oh, ow) = (2 * h, 2 * w)
        var y = (0..<(outputs * oh * ow)).map { Int64(bias[$0 / (oh * ow)]) }
        for i in 0..<inputs {
            for o in 0..<outputs {
                for iy in 0..<h {
                    for ix in 0..<w {
                        for ky in 0..<5 {
                            for kx in 0..<5 {
                                let (oy, ox) = (2 * iy - 2 + ky, 2 * ix - 2 + kx)
                                guard oy >= 0, oy < oh, ox >= 0, ox < ow else { continue }
                                y[(o * oh + oy) * ow + ox] += Int64(weight[((i * outputs + o) * 5 + ky) * 5 + kx]) * x[(i * h + iy) * w + ix]
                            }
                        }
                    }
                }
            }
        }
        return y
    }

    /// 3×3, stride 1, padding 1; weight (C_out, C_in, 3, 3).
    func convolution(_ x: [Int64], _ weight: [Int32], _ bias: [Int32], inputs: Int, outputs: Int,
                     h: Int, w: Int) -> [Int64] {
        var y = (0..<(outputs * h * w)).map { Int64(bias[$0 / (h * w)]) }
        for o in 0..<outputs {
            for i in 0..<inputs {
                for oy in 0..<h {
                    for ox in 0..<w {
                        for ky in 0..<3 {
                            for kx in 0..<3 {
                                let (iy, ix) = (oy - 1 + ky, ox - 1 + kx)
                                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                y[(o * h + oy) * w + ox] += Int64(weight[((o * inputs + i) * 3 + ky) * 3 + kx]) * x[(i * h + iy) * w + ix]
                            }
                        }
                    }
                }
            }
        }
        return y
    }
}

final class ThresholdSearchTests: XCTestCase {
    /// The branch-free search counts the thresholds a value reaches, as a plain count does,
    /// over sorted lists with repeats, of every length from 0 to 70, at and between them.
    func testReachedCountsTheThresholdsAtOrBelow() {
        var rng = SplitMix64(seed: 3)
        for count in 0...70 {
            let thresholds = (0..<count).map { _ in Int64(rng.next() % 200) - 100 }.sorted()
            for v in Int64(-102)...102 {
                XCTAssertEqual(thresholds.reached(by: v), thresholds.filter { $0 <= v }.count, "\(count) thresholds, \(v)")
            }
        }
        XCTAssertEqual([Int64.min, 0, Int64.max].reached(by: .max), 3)
        XCTAssertEqual([Int64.min, 0, Int64.max].reached(by: .min), 1)
    }
}
