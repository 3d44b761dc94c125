import Foundation
import NN

// x: N, 3, H, W in [0, 1];  y: N, M, H/16, W/16

/// The autoencoder of Ballé et al. 2018 ("Variational image compression with a scale
/// hyperprior"), with per-channel gains so that one model covers every rate (Cui et al. 2021),
/// and either prior on y: the factorized density (CompressAI's bmshj2018-factorized) or the
/// scale hyperprior (bmshj2018-hyperprior).
///
/// g_a: four 5×5 stride-2 convolutions with GDN between them; g_s mirrors it with
/// transposed convolutions and inverse GDN.
public final class CompressionModel: ParameterOwner {
    public let architecture: Architecture
    public let g_a: Sequential
    public let g_s: Sequential
    /// How y's probabilities are modelled.
    let prior: Prior
    public let gains: Gains

    public init(_ architecture: Architecture, seed: UInt64 = 1) {
        self.architecture = architecture
        let (n, m) = (architecture.N, architecture.M)
        var rng = SplitMix64(seed: seed)
        g_a = Sequential([
            Conv2D("g_a.0", in: 3, out: n, kernel: 5, stride: 2, rng: &rng), GDN("g_a.1", channels: n),
            Conv2D("g_a.2", in: n, out: n, kernel: 5, stride: 2, rng: &rng), GDN("g_a.3", channels: n),
            Conv2D("g_a.4", in: n, out: n, kernel: 5, stride: 2, rng: &rng), GDN("g_a.5", channels: n),
            Conv2D("g_a.6", in: n, out: m, kernel: 5, stride: 2, rng: &rng),
        ])
        g_s = Sequential([
            ConvTranspose2D("g_s.0", in: m, out: n, kernel: 5, stride: 2, rng: &rng),
            GDN("g_s.1", channels: n, inverse: true),
            ConvTranspose2D("g_s.2", in: n, out: n, kernel: 5, stride: 2, rng: &rng),
            GDN("g_s.3", channels: n, inverse: true),
            ConvTranspose2D("g_s.4", in: n, out: n, kernel: 5, stride: 2, rng: &rng),
            GDN("g_s.5", channels: n, inverse: true),
            ConvTranspose2D("g_s.6", in: n, out: 3, kernel: 5, stride: 2, rng: &rng),
        ])
        switch architecture.kind {
        case .factorized: prior = EntropyBottleneck(channels: m, rng: &rng)
        case .hyperprior: prior = Hyperprior(N: architecture.hyperN ?? 96, M: m, levels: architecture.levels, rng: &rng)
        case .checkerboard:
            prior = CheckerboardHyperprior(N: architecture.hyperN ?? 96, M: m, contextChannels: architecture.contextN ?? 128,
                                           signedAnalysis: architecture.signedAnalysis ?? false,
                                           levels: architecture.levels, rng: &rng)
        }
        gains = Gains(levels: architecture.levels, channels: m)
    }

    public var parameters: [Parameter] { g_a.parameters + g_s.parameters + prior.parameters + gains.parameters }

    /// Sets how the layers that code an image compute: g_s as `compute` says, g_a and the
    /// prior's encoder side (the hyperprior's h_a) as `analysis` says; h_s, which picks
    /// tables, keeps the exact float32 of `ScaleIndexer`.
    func configureTransforms(_ compute: Compute, analysis: Compute) {
        g_s.configure(compute)
        g_a.configure(analysis)
        prior.configureEncoder(analysis)
    }

    /// Sets how every layer computes, the hyperprior's included.
    public func configure(_ compute: Compute) {
        [g_a, g_s].forEach { $0.configure(compute) }
        prior.configure(compute)
    }

    /// The per-level gains: y's, and with a hyperprior z's.
    public var levelGains: [Gains] { [gains] + prior.levelGains }

    /// Everything but the gains: what all quality levels share, and what survives a change
    /// of the levels.
    public var sharedParameters: [Parameter] {
        let perLevel = levelGains.flatMap(\.parameters)
        return parameters.filter { p in !perLevel.contains { $0 === p } }
    }

    /// The floating-point parameters a model file carries for coding: the transforms and
    /// gains, and with a hyperprior h_a and z's gains (its CDF tables and integer h_s are
    /// stored apart).
    public var codingParameters: [Parameter] {
        g_a.parameters + g_s.parameters + gains.parameters + prior.codingParameters
    }
}

/// The numbers of one training step, averaged over its batch.
public struct StepStats: Sendable {
    public var loss: Double
    public var bpp: Double
    public var mse: Double
    public var psnr: Double { 10 * log10(1 / max(mse, 1e-12)) }
}

extension CompressionModel {
    /// One step of rate–distortion training: loss = Σ_i (λ_i·255²·MSE_i + bpp_i) / N, with
    /// image i trained at quality level `levels[i]` (see `GainedQuantization` for how y is
    /// quantized). Gradients are added into the parameters; the caller runs the optimiser.
    public func trainStep(_ x: Tensor, levels: [Int], rng: inout SplitMix64) -> StepStats {
        precondition(levels.count == x.n, "one level per image")
        let y = g_a.forward(x)
        let q = GainedQuantization(y, gains: gains, levels: levels, rng: &rng)
        let pixels = Float(x.h * x.w)
        let batch = Float(x.n)
        var dNoisy = Tensor(zerosLike: y)
        var dGain = [Float](repeating: 0, count: q.gain.count)
        let rate = dNoisy.data.withUnsafeMutableBufferPointer { dv in
            dGain.withUnsafeMutableBufferPointer { dg in
                prior.bits(y, q, rng: &rng, scale: 1 / (pixels * batch), dNoisy: dv.baseAddress!, dGain: dg.baseAddress!)
            }
        }
        let xHat = g_s.forward(q.decoded)
        var dxHat = xHat - x
        var loss = rate.bits / Double(pixels * batch), mseSum = 0.0
        let perImage = x.imageSize
        for i in 0..<x.n {
            let weight = architecture.lambdas[levels[i]] * 255 * 255
            var sq = 0.0
            for k in (i * perImage)..<((i + 1) * perImage) {
                let d = dxHat.data[k]
                sq += Double(d * d)
                dxHat.data[k] = weight * 2 * d / (Float(perImage) * batch)
            }
            mseSum += sq / Double(perImage)
            loss += Double(weight) * sq / Double(perImage) / Double(batch)
        }
        var dDecoded = g_s.backward(dxHat)
        if let context = rate.dDecoded { dDecoded = dDecoded + context }
        var dy = q.backward(y, dNoisy: dNoisy, dGain: dGain, dDecoded: dDecoded, gains: gains)
        if let side = rate.dy { dy = dy + side }
        _ = g_a.backward(dy)
        return StepStats(loss: loss, bpp: rate.bits / Double(pixels * batch), mse: mseSum / Double(batch))
    }
}
