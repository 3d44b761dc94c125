import Foundation
import NN

// x: N, 3, H, W in [0, 1];  y: N, M, H/16, W/16

/// The factorized-prior autoencoder of Ballé et al. 2018 ("Variational image compression
/// with a scale hyperprior", the factorized baseline; CompressAI's bmshj2018-factorized),
/// with per-channel gains so that one model covers every rate (Cui et al. 2021).
///
/// g_a: four 5×5 stride-2 convolutions with GDN between them; g_s mirrors it with
/// transposed convolutions and inverse GDN.
public final class CompressionModel: ParameterOwner {
    public let architecture: Architecture
    public let g_a: Sequential
    public let g_s: Sequential
    public let entropy: EntropyBottleneck
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
        entropy = EntropyBottleneck(channels: m, rng: &rng)
        gains = Gains(levels: architecture.levels, channels: m)
    }

    public var parameters: [Parameter] { sharedParameters + gains.parameters }

    /// Everything but the gains: what all quality levels share, and what survives a change
    /// of the levels.
    public var sharedParameters: [Parameter] {
        g_a.parameters + g_s.parameters + entropy.parameters
    }

    /// The transforms' parameters (what `aeic compress` needs besides the CDF tables).
    public var transformParameters: [Parameter] { g_a.parameters + g_s.parameters + gains.parameters }
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
    /// image i trained at quality level `levels[i]`. The rate sees y·g + u (additive uniform
    /// noise, the differentiable proxy for rounding); g_s sees round(y·g) with a
    /// straight-through gradient ("mixed" quantization), so training decodes what inference
    /// decodes. Gradients are added into the parameters; the caller runs the optimiser.
    public func trainStep(_ x: Tensor, levels: [Int], rng: inout SplitMix64) -> StepStats {
        precondition(levels.count == x.n, "one level per image")
        let m = architecture.M
        let y = g_a.forward(x)
        let plane = y.planeSize
        var gain = [Float](), inverse = [Float]()
        for l in levels {
            gain += gains.gain.value[(l * m)..<((l + 1) * m)]
            inverse += gains.inverse.value[(l * m)..<((l + 1) * m)]
        }
        var noisy = y, rounded = y, z = y
        for i in 0..<y.n {
            for c in 0..<m {
                let g = gain[i * m + c], ig = inverse[i * m + c]
                let base = (i * m + c) * plane
                for p in base..<(base + plane) {
                    let scaled = y.data[p] * g
                    noisy.data[p] = scaled + rng.uniform() - 0.5
                    rounded.data[p] = scaled.rounded()
                    z.data[p] = rounded.data[p] * ig
                }
            }
        }
        let pixels = Float(x.h * x.w)
        let batch = Float(x.n)
        var dScaled = Tensor(zerosLike: y)
        var dGain = [Float](repeating: 0, count: x.n * m)
        let bits = dScaled.data.withUnsafeMutableBufferPointer { dv in
            dGain.withUnsafeMutableBufferPointer { dg in
                entropy.bits(noisy, gains: gain, scale: 1 / (pixels * batch),
                             dv: dv.baseAddress!, dGain: dg.baseAddress!)
            }
        }
        let xHat = g_s.forward(z)
        var dxHat = xHat - x
        var loss = bits / Double(pixels * batch), mseSum = 0.0
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
        let dz = g_s.backward(dxHat)
        var dy = Tensor(zerosLike: y)
        for i in 0..<y.n {
            let level = levels[i]
            for c in 0..<m {
                let g = gain[i * m + c], ig = inverse[i * m + c]
                let base = (i * m + c) * plane
                var dInverse: Float = 0, dG = dGain[i * m + c]
                for p in base..<(base + plane) {
                    dInverse += dz.data[p] * rounded.data[p]
                    let dS = dScaled.data[p] + dz.data[p] * ig     // straight through round()
                    dG += dS * y.data[p]
                    dy.data[p] = dS * g
                }
                gains.inverse.grad[level * m + c] += dInverse
                gains.gain.grad[level * m + c] += dG
            }
        }
        _ = g_a.backward(dy)
        return StepStats(loss: loss, bpp: bits / Double(pixels * batch), mse: mseSum / Double(batch))
    }
}
