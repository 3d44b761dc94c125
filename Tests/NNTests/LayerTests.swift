import XCTest
@testable import NN
import GradientChecking
import Serialization

final class LayerTests: XCTestCase {
    func testGDNGradients() {
        let gdn = GDN("g", channels: 3)
        var rng = SplitMix64(seed: 4)
        gdn.gammaParam.value = gdn.gammaParam.value.map { $0 + rng.uniform() * 0.3 }
        GradientChecker().check(gdn, input: randomTensor(n: 2, c: 3, h: 3, w: 4, seed: 11))
    }

    func testInverseGDNGradients() {
        let igdn = GDN("g", channels: 3, inverse: true)
        var rng = SplitMix64(seed: 5)
        igdn.gammaParam.value = igdn.gammaParam.value.map { $0 + rng.uniform() * 0.3 }
        GradientChecker().check(igdn, input: randomTensor(n: 2, c: 3, h: 3, w: 4, seed: 12))
    }

    /// One image (cut into a part per worker) and a batch (bands of `GDN.bandBudget / C`
    /// pixels, here two per image) agree with each other and with the definition.
    func testGDNSingleImageMatchesBatchAndDefinition() {
        let (c, h, w) = (5, 250, 250)
        let gdn = GDN("g", channels: c, gammaInit: 0.3)
        let x = randomTensor(n: 2, c: c, h: h, w: w, seed: 14)
        XCTAssertGreaterThan(h * w, GDN.bandBudget / c, "the image must span several bands")
        let batch = gdn.forward(x), size = x.imageSize, plane = h * w
        for i in 0..<2 {
            let one = Tensor(n: 1, c: c, h: h, w: w, data: Array(x.data[(i * size)..<((i + 1) * size)]))
            XCTAssertEqual(gdn.forward(one).data, Array(batch.data[(i * size)..<((i + 1) * size)]))
        }
        let (beta, gamma) = (gdn.beta, gdn.gamma)
        for p in stride(from: 0, to: 2 * plane, by: 97) {
            let (i, q) = (p / plane, p % plane)
            let xs = (0..<c).map { x.data[i * size + $0 * plane + q] }
            for k in 0..<c {
                let mixed = (0..<c).reduce(beta[k]) { $0 + gamma[k * c + $1] * xs[$1] * xs[$1] }
                XCTAssertEqual(batch.data[i * size + k * plane + q], xs[k] / mixed.squareRoot(), accuracy: 1e-5)
            }
        }
    }

    /// Inference, which writes y over x band by band and keeps each band's norms in its
    /// workspace, gives forward's y exactly (two bands per image here), and `infer` leaves its
    /// argument as it was.
    func testGDNInferenceMatchesForward() {
        for inverse in [false, true] {
            let gdn = GDN("g", channels: 5, inverse: inverse, gammaInit: 0.3)
            let x = randomTensor(n: 2, c: 5, h: 250, w: 250, seed: 17)
            let before = x.data
            XCTAssertEqual(gdn.infer(x).data, gdn.forward(x).data, "inverse \(inverse)")
            XCTAssertEqual(x.data, before)
            var inPlace = x
            gdn.apply(&inPlace)
            XCTAssertEqual(inPlace.data, gdn.forward(x).data, "inverse \(inverse)")
        }
    }

    /// The backward pass over several bands per image agrees with the gradients written out
    /// pixel by pixel: v_k = −dy_k x_k / 2s_k³, dx_m = dy_m / s_m + 2 x_m Σ_k γ_km v_k,
    /// dβ_k = Σ v_k, dγ_kj = Σ v_k x_j², and dp = 2p · d(β or γ) through the reparametrisation.
    func testGDNBackwardOverBandsMatchesDefinition() {
        let (n, c, h, w) = (2, 5, 250, 250)
        let gdn = GDN("g", channels: c, gammaInit: 0.3)
        let x = randomTensor(n: n, c: c, h: h, w: w, seed: 15)
        let dy = randomTensor(n: n, c: c, h: h, w: w, seed: 16)
        XCTAssertGreaterThan(h * w, GDN.bandBudget / c, "the image must span several bands")
        _ = gdn.forward(x)
        let dx = gdn.backward(dy)
        let (beta, gamma) = (gdn.beta.map(Double.init), gdn.gamma.map(Double.init))
        let plane = h * w, size = c * plane
        var dBeta = [Double](repeating: 0, count: c), dGamma = [Double](repeating: 0, count: c * c)
        for p in 0..<(n * plane) {
            let at = (0..<c).map { (p / plane) * size + $0 * plane + p % plane }
            let (xs, ds) = (at.map { Double(x.data[$0]) }, at.map { Double(dy.data[$0]) })
            let s = (0..<c).map { (k: Int) -> Double in
                (0..<c).reduce(beta[k]) { (sum: Double, j: Int) in sum + gamma[k * c + j] * xs[j] * xs[j] }.squareRoot()
            }
            let v = (0..<c).map { (k: Int) -> Double in -ds[k] * xs[k] / (2 * s[k] * s[k] * s[k]) }
            for k in 0..<c {
                dBeta[k] += v[k]
                for j in 0..<c { dGamma[k * c + j] += v[k] * xs[j] * xs[j] }
            }
            guard p % 97 == 0 else { continue }
            for m in 0..<c {
                let mixed = (0..<c).reduce(0) { (sum: Double, k: Int) in sum + gamma[k * c + m] * v[k] }
                let expected = ds[m] / s[m] + 2 * xs[m] * mixed
                XCTAssertEqual(Double(dx.data[at[m]]), expected, accuracy: 1e-5)
            }
        }
        let reparametrised = { (d: [Double], p: Parameter) -> [Double] in d.indices.map { 2 * Double(p.value[$0]) * d[$0] } }
        for (expected, parameter) in [(reparametrised(dBeta, gdn.betaParam), gdn.betaParam),
                                      (reparametrised(dGamma, gdn.gammaParam), gdn.gammaParam)] {
            for k in expected.indices {
                XCTAssertEqual(Double(parameter.grad[k]), expected[k], accuracy: 1e-4 * max(1, abs(expected[k])))
            }
        }
    }

    func testGDNMatchesDefinition() {
        let gdn = GDN("g", channels: 2, gammaInit: 0.5)
        let x = Tensor(n: 1, c: 2, h: 1, w: 1, data: [1, 2])
        let y = gdn.forward(x)
        // β = 1, γ = 0.5·I: y_i = x_i / sqrt(1 + 0.5 x_i²) (off-diagonal γ is ~0)
        XCTAssertEqual(y.data[0], 1 / (1.5 as Float).squareRoot(), accuracy: 1e-5)
        XCTAssertEqual(y.data[1], 2 / (3 as Float).squareRoot(), accuracy: 1e-5)
        let igdn = GDN("i", channels: 2, inverse: true, gammaInit: 0.5)
        XCTAssertEqual(igdn.forward(x).data[1], 2 * (3 as Float).squareRoot(), accuracy: 1e-5)
    }

    func testLeakyReLUAndResidualGradients() {
        var rng = SplitMix64(seed: 6)
        let block = Residual(Sequential([
            Conv2D("a", in: 2, out: 2, kernel: 3, rng: &rng), LeakyReLU(slope: 0.1),
            Conv2D("b", in: 2, out: 2, kernel: 3, rng: &rng),
        ]))
        GradientChecker().check(block, input: randomTensor(n: 1, c: 2, h: 5, w: 5, seed: 13))
    }

    /// Inference overwrites activations in place (pointwise layers, the residual sum) and
    /// must still compute forward's function to the bit, leaving its input as it was, even
    /// where a pointwise layer comes first and the activation is the caller's.
    func testInferenceInPlaceMatchesForward() {
        var rng = SplitMix64(seed: 8)
        let network = Sequential([
            LeakyReLU(slope: 0.2), Conv2D("a", in: 2, out: 3, kernel: 3, rng: &rng), Clamp(lower: -0.3, upper: 0.4),
            Residual(Sequential([Conv2D("b", in: 3, out: 3, kernel: 3, rng: &rng), LeakyReLU()])),
        ])
        let x = randomTensor(n: 2, c: 2, h: 6, w: 5, seed: 14), copy = x
        XCTAssertEqual(network.infer(x), network.forward(x))
        XCTAssertEqual(x, copy)
        XCTAssertLessThan(x.data.min()!, 0, "the first LeakyReLU has negative values to overwrite")
    }

    func testClampGradient() {
        var rng = SplitMix64(seed: 6)
        let block = Sequential([
            Conv2D("a", in: 2, out: 3, kernel: 3, rng: &rng), Clamp(lower: -0.6, upper: 0.5),
            Conv2D("b", in: 3, out: 2, kernel: 3, rng: &rng),
        ])
        GradientChecker(step: 2e-3).check(block, input: randomTensor(n: 1, c: 2, h: 5, w: 5, seed: 13))
        let clamp = Clamp(lower: 0, upper: 8)
        XCTAssertEqual(clamp.forward(Tensor(n: 1, c: 1, h: 1, w: 3, data: [-1, 3, 9])).data, [0, 3, 8])
        XCTAssertEqual(clamp.backward(Tensor(n: 1, c: 1, h: 1, w: 3, data: [1, 1, 1])).data, [0, 1, 0])
    }

    func testMSEGradient() {
        let a = randomTensor(n: 1, c: 1, h: 2, w: 3, seed: 1), b = randomTensor(n: 1, c: 1, h: 2, w: 3, seed: 2)
        let (loss, grad) = mseLoss(a, b)
        let expected = zip(a.data, b.data).reduce(0.0) { $0 + Double(($1.0 - $1.1) * ($1.0 - $1.1)) } / 6
        XCTAssertEqual(loss, expected, accuracy: 1e-6)
        XCTAssertEqual(grad.data[0], 2 * (a.data[0] - b.data[0]) / 6, accuracy: 1e-6)
    }

    /// A tiny autoencoder's loss falls on a fixed synthetic batch.
    func testTinyAutoencoderLearns() {
        var rng = SplitMix64(seed: 8)
        let net = Sequential([
            Conv2D("e", in: 3, out: 8, kernel: 5, stride: 2, rng: &rng), GDN("g", channels: 8),
            ConvTranspose2D("d", in: 8, out: 3, kernel: 5, stride: 2, rng: &rng),
        ])
        let x = randomTensor(n: 2, c: 3, h: 8, w: 8, seed: 21, scale: 0.5)
        let adam = Adam(net.parameters, learningRate: 1e-2)
        var first = 0.0, last = 0.0
        for step in 0..<60 {
            adam.zeroGrad()
            let (loss, grad) = mseLoss(net.forward(x), x)
            _ = net.backward(grad)
            adam.update()
            if step == 0 { first = loss }
            last = loss
        }
        XCTAssertLessThan(last, first * 0.3, "loss \(first) → \(last)")
    }

    /// Adam's first step is ±lr per element; with a relative step it is ±lr·k·|w|.
    func testAdamRelativeStepScalesWithMagnitude() {
        let plain = Parameter("p", shape: [2], value: [100, 0.01])
        let scaled = Parameter("s", shape: [2], value: [100, 0.01])
        scaled.relativeStep = 2
        let adam = Adam([plain, scaled], learningRate: 1e-2)
        plain.grad = [1, 1]
        scaled.grad = [1, 1]
        adam.update()
        XCTAssertEqual(plain.value[0], 100 - 1e-2, accuracy: 1e-4)
        XCTAssertEqual(plain.value[1], 0.01 - 1e-2, accuracy: 1e-6)
        XCTAssertEqual(scaled.value[0], 100 - 2, accuracy: 1e-3)
        XCTAssertEqual(scaled.value[1], 0.01 - 2e-4, accuracy: 1e-7)
    }

    func testParameterFileRoundTripAndDamage() throws {
        var rng = SplitMix64(seed: 9)
        let conv = Conv2D("c", in: 2, out: 3, kernel: 3, rng: &rng)
        let file = ParameterFile(architecture: "{\"test\":1}", tensors: ParameterFile.entries(conv.parameters),
                                 blobs: ["cdf": [1, 2, 3]])
        let bytes = file.encoded()
        XCTAssertEqual(try ParameterFile(decoding: bytes), file)
        var flipped = bytes
        flipped[20] ^= 1
        XCTAssertThrowsError(try ParameterFile(decoding: flipped)) {
            XCTAssertEqual($0 as? ParameterFileError, .checksumMismatch)
        }
        for cut in [0, 5, 12, bytes.count / 2, bytes.count - 1] {
            XCTAssertThrowsError(try ParameterFile(decoding: Array(bytes.prefix(cut))))
        }
        let other = Conv2D("c", in: 2, out: 4, kernel: 3, rng: &rng)
        XCTAssertThrowsError(try file.load(into: other.parameters)) {
            XCTAssertEqual($0 as? ParameterFileError, .shapeMismatch("c.weight", expected: [4, 18], found: [3, 18]))
        }
        let half = try ParameterFile(decoding: file.encoded(precision: .float16))
        XCTAssertEqual(half.tensors[0].values[0], file.tensors[0].values[0], accuracy: 1e-3)
    }
}

final class BytesTests: XCTestCase {
    func testVarintRoundTripAndRejectsOverlong() throws {
        var w = ByteWriter()
        let values: [UInt32] = [0, 1, 127, 128, 300, 65_535, 65_536, UInt32.max]
        values.forEach { w.varint($0) }
        var r = ByteReader(w.bytes)
        for v in values { XCTAssertEqual(try r.varint(), v) }
        XCTAssertEqual(r.remaining, 0)
        var overlong = ByteReader([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
        XCTAssertThrowsError(try overlong.varint())
        var cut = ByteReader([0x80])
        XCTAssertThrowsError(try cut.varint())
    }

    func testCRC32KnownValue() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
    }

    /// Eight bytes a step against the bytewise definition, over every length to 40, slices
    /// that start off zero, and chained seeds.
    func testCRC32MatchesBytewiseOracle() {
        func oracle(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
            ~bytes.reduce(~seed) { c, b in
                (0..<8).reduce(c ^ UInt32(b)) { c, _ in c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
            }
        }
        var rng = SplitMix64(seed: 3)
        let bytes = (0..<48).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        for start in 0..<8 {
            for end in start...(start + 40) {
                let slice = bytes[start..<end]
                XCTAssertEqual(CRC32.checksum(slice), oracle(Array(slice)), "\(start)..<\(end)")
                XCTAssertEqual(CRC32.checksum(slice, seed: 0x1234_5678), oracle(Array(slice), seed: 0x1234_5678))
            }
        }
    }

    /// Half-precision bits widen to what the runtime's conversion gives, for all 65,536.
    func testHalfBitsWidenExactly() {
        for bits in UInt16.min...UInt16.max {
            let (fast, runtime) = (Float(halfBits: bits), Float(Float16(bitPattern: bits)))
            if runtime.isNaN { XCTAssertTrue(fast.isNaN) } else { XCTAssertEqual(fast.bitPattern, runtime.bitPattern, "\(bits)") }
        }
    }
}

final class InferenceTests: XCTestCase {
    /// `infer` computes what `forward` does, without keeping state for a backward pass.
    func testInferMatchesForward() {
        var rng = SplitMix64(seed: 15)
        let net = Sequential([
            Conv2D("a", in: 3, out: 4, kernel: 5, stride: 2, rng: &rng), GDN("g", channels: 4),
            ConvTranspose2D("b", in: 4, out: 3, kernel: 5, stride: 2, rng: &rng),
            GDN("i", channels: 3, inverse: true), Residual(LeakyReLU(slope: 0.2)),
        ])
        let x = randomTensor(n: 1, c: 3, h: 9, w: 7, seed: 16)
        XCTAssertEqual(net.infer(x), net.forward(x))
    }
}
