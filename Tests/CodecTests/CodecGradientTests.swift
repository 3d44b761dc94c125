import XCTest
import GradientChecking
@testable import Codec
@testable import NN

/// Finite differences through the codec's training path, wherever it is differentiable:
/// rounding's straight-through gradient is a choice, not a derivative, so the checks cover
/// the parameters and inputs whose influence does not pass through round().
final class CodecGradientTests: XCTestCase {
    // Small λs keep the loss near 1, where Float32 rounding stays below the differences' size.
    let architecture = Architecture(kind: Architecture.Kind.hyperprior, N: 4, M: 3, hyperN: 2, lambdas: [1e-4, 1e-3])

    /// The rate side of GainedQuantization (v·g + u) in v and the encoder gains, and the
    /// decoder side (round(v·g)·g⁻) in the decoder gains.
    func testGainedQuantization() {
        let gains = Gains(levels: 2, channels: 3)
        gains.gain.value = [0.8, 1.3, 2.1, 3.0, 0.6, 1.7]
        gains.inverse.value = [1.1, 0.7, 0.5, 0.4, 1.5, 0.6]
        let v = randomTensor(n: 2, c: 3, h: 2, w: 3, seed: 3, scale: 3)
        let (rNoisy, rDecoded) = (randomTensor(n: 2, c: 3, h: 2, w: 3, seed: 4), randomTensor(n: 2, c: 3, h: 2, w: 3, seed: 5))
        func loss(_ v: Tensor, noisyWeight: Float, decodedWeight: Float) -> (Double, Tensor) {
            var rng = SplitMix64(seed: 9)
            let q = GainedQuantization(v, gains: gains, levels: [1, 0], rng: &rng)
            let (dNoisy, dDecoded) = (rNoisy.map { $0 * noisyWeight }, rDecoded.map { $0 * decodedWeight })
            let value = zip(q.noisy.data, dNoisy.data).reduce(0.0) { $0 + Double($1.0 * $1.1) }
                + zip(q.decoded.data, dDecoded.data).reduce(0.0) { $0 + Double($1.0 * $1.1) }
            let dv = q.backward(v, dNoisy: dNoisy, dGain: [Float](repeating: 0, count: 6), dDecoded: dDecoded, gains: gains)
            return (value, dv)
        }
        let checker = GradientChecker(step: 1e-3, tolerance: 1e-2)
        checker.check(parameters: [gains.gain]) { loss(v, noisyWeight: 1, decodedWeight: 0).0 }
        checker.check(parameters: [gains.inverse]) { loss(v, noisyWeight: 0, decodedWeight: 1).0 }
        let dv = loss(v, noisyWeight: 1, decodedWeight: 0).1
        for k in stride(from: 0, to: v.count, by: 5) {
            var (plus, minus) = (v, v)
            plus.data[k] += 1e-3; minus.data[k] -= 1e-3
            let numeric = (loss(plus, noisyWeight: 1, decodedWeight: 0).0 - loss(minus, noisyWeight: 1, decodedWeight: 0).0) / 2e-3
            XCTAssertEqual(numeric, Double(dv.data[k]), accuracy: 1e-2 * max(1, abs(numeric)), "dv[\(k)]")
        }
    }

    /// The hyperprior's rate (bits of z under its factorized density plus bits of y under the
    /// Gaussian conditional) in h_s's parameters and z's decoder gains (the density has its
    /// own checks in EntropyBottleneckTests).
    func testHyperpriorRate() {
        let model = CompressionModel(architecture, seed: 4)
        guard let hyper = model.prior as? Hyperprior else { return XCTFail("hyperprior expected") }
        awaken(hyper)
        let y = randomTensor(n: 1, c: 3, h: 4, w: 4, seed: 6, scale: 4)
        GradientChecker(step: 1e-2, tolerance: 2e-2).check(parameters: hyper.h_s.parameters + [hyper.gains.inverse]) {
            var rng = SplitMix64(seed: 12)
            let q = GainedQuantization(y, gains: model.gains, levels: [1], rng: &rng)
            var dNoisy = [Float](repeating: 0, count: y.count), dGain = [Float](repeating: 0, count: 3)
            return hyper.bits(y, q, rng: &rng, scale: 1, dNoisy: &dNoisy, dGain: &dGain).bits
        }
    }

    /// z's rate through a signed h_a (|y| and y read side by side) in h_a's parameters and
    /// in y: the one stretch of the hyperprior before a rounding. dy is checked along random
    /// directions, whose derivatives stand above Float32's noise where single entries do not.
    func testSignedAnalysisRate() throws {
        var rng = SplitMix64(seed: 8)
        let hyper = Hyperprior(N: 2, M: 3, levels: 2, signed: true, rng: &rng)
        let analysis = hyper.h_a.parameters + (try XCTUnwrap(hyper.signed, "signed: true builds h_a.signed")).parameters
        hyper.gains.gain.value = hyper.gains.gain.value.map { _ in 10 }
        for p in analysis {
            p.value = p.value.map { _ in p.name.hasSuffix("bias") ? 0.5 : rng.uniform() - 0.5 }
        }
        // Entries at least 0.5 from 0, where |y| has no kink within a step.
        let y = randomTensor(n: 1, c: 3, h: 8, w: 8, seed: 6, scale: 2).map { $0 + ($0 < 0 ? -0.5 : 0.5) }
        func rate(_ y: Tensor) -> (bits: Double, dy: Tensor) {
            var rng = SplitMix64(seed: 12)
            let side = hyper.sideInformation(y, levels: [1], rng: &rng, scale: 1)
            return (side.bits, hyper.backward(side, y: y, dDecoded: Tensor(zerosLike: side.z)))
        }
        GradientChecker(step: 1e-2, tolerance: 3e-2).check(parameters: analysis) { rate(y).bits }
        let dy = rate(y).dy
        for seed in UInt64(1)...3 {
            let direction = randomTensor(n: 1, c: 3, h: 8, w: 8, seed: seed)
            let step = direction.map { $0 * 1e-2 }
            let numeric = (rate(y + step).bits - rate(y - step).bits) / 2e-2
            let analytic = zip(dy.data, direction.data).reduce(0.0) { $0 + Double($1.0 * $1.1) }
            // The floor (0.005) is Float32's noise in this difference: about 0.002 under
            // OpenBLAS's Haswell kernels, on direction 1, whose derivative is only −0.007.
            XCTAssertEqual(numeric, analytic, accuracy: 2e-2 * max(0.25, abs(numeric)), "along direction \(seed)")
        }
    }

    /// One whole training step (rate + λ·255²·MSE) of each prior, in every parameter after
    /// the quantizer: g_s, the priors' densities, h_s, the context and the decoder gains
    /// (which reach the context's input too).
    func testWholeStep() {
        for kind in Architecture.Kind.allCases {
            var chosen = architecture
            chosen.kind = kind
            chosen.hyperN = kind.hasHyperprior ? 2 : nil
            chosen.contextN = kind == .checkerboard ? 3 : nil
            let model = CompressionModel(chosen, seed: 5)
            let hyper = (model.prior as? Hyperprior) ?? (model.prior as? CheckerboardHyperprior)?.hyper
            if let hyper {
                awaken(hyper)
                // h_a's ReLUs would zero this small x's z: positive biases keep it alive.
                for p in hyper.h_a.parameters where p.name.hasSuffix("bias") { p.value = p.value.map { _ in 0.5 } }
            }
            if let checkerboard = model.prior as? CheckerboardHyperprior { awaken(checkerboard) }
            model.gains.gain.value = model.gains.gain.value.map { _ in 10 }    // latents that round to non-zero
            // 1×2 latents: an anchor and a latent the context predicts from it.
            let x = randomTensor(n: 2, c: 3, h: 16, w: 32, seed: 7).map { ($0 + 1) / 2 }
            let loss = { () -> Double in
                var rng = SplitMix64(seed: 13)
                return model.trainStep(x, levels: [0, 1], rng: &rng).loss
            }
            var downstream = model.g_s.parameters + model.gains.parameters.filter { $0 === model.gains.inverse }
            if let checkerboard = model.prior as? CheckerboardHyperprior {
                downstream += checkerboard.hyper.h_s.parameters + checkerboard.hyper.entropy.parameters
                    + checkerboard.meanHead.parameters + checkerboard.context.parameters + checkerboard.fusion.parameters
            } else {
                downstream += hyper.map { $0.h_s.parameters + $0.entropy.parameters } ?? model.prior.parameters
            }
            GradientChecker(step: 1e-2, tolerance: 3e-2).check(parameters: downstream, loss: loss)
        }
    }

    /// The checkerboard prior's rate in its own layers (h_s and its mean head, the context
    /// and the fusion) and z's decoder gains, with y's quantization held fixed.
    func testCheckerboardRate() {
        var chosen = architecture
        (chosen.kind, chosen.contextN) = (.checkerboard, 3)
        let model = CompressionModel(chosen, seed: 4)
        guard let prior = model.prior as? CheckerboardHyperprior else { return XCTFail("checkerboard expected") }
        awaken(prior.hyper)
        awaken(prior)
        let y = randomTensor(n: 1, c: 3, h: 4, w: 4, seed: 6, scale: 4)
        let own = prior.hyper.h_s.parameters + prior.meanHead.parameters + prior.context.parameters + prior.fusion.parameters
        GradientChecker(step: 1e-2, tolerance: 2e-2).check(parameters: own + [prior.hyper.gains.inverse]) {
            var rng = SplitMix64(seed: 12)
            let q = GainedQuantization(y, gains: model.gains, levels: [1], rng: &rng)
            var dNoisy = [Float](repeating: 0, count: y.count), dGain = [Float](repeating: 0, count: 3)
            return prior.bits(y, q, rng: &rng, scale: 1, dNoisy: &dNoisy, dGain: &dGain).bits
        }
    }

    /// The mean head and the context's output layer start at zero, where nothing would
    /// reach the context's first layers: small random weights and positive biases open them.
    /// (Means far from the latents would put their mass under the density's floor, where the
    /// rate passes a gradient that finite differences cannot see.)
    func awaken(_ prior: CheckerboardHyperprior) {
        var rng = SplitMix64(seed: 21)
        for p in prior.meanHead.parameters + prior.fusion.parameters + prior.context.parameters {
            p.value = p.value.map { _ in p.name.hasSuffix("bias") ? 0.3 : (rng.uniform() - 0.4) * 0.1 }
        }
    }

    /// A tiny untrained hyperprior rounds z to zero and predicts scales under the Gaussian
    /// conditional's floor, where nothing depends on h_s: large z gains and positive biases
    /// bring every layer into its active range.
    func awaken(_ hyper: Hyperprior) {
        for p in hyper.h_s.parameters where p.name.hasSuffix("bias") { p.value = p.value.map { _ in 0.6 } }
        hyper.gains.gain.value = hyper.gains.gain.value.map { _ in 10 }
        hyper.gains.inverse.value = hyper.gains.inverse.value.map { _ in 0.1 }
    }
}
