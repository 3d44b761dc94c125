import Dispatch
import Foundation
import CKernels
import NN

// y: N, M, H, W (latents in the un-gained domain);  parameters per channel c of M:
// H_k: (M, d_{k+1}, d_k), b_k: (M, d_{k+1}), a_k: (M, d_{k+1}) with d = (1, 3, 3, 3, 1)

/// The non-parametric factorized density of Ballé et al. 2018 ("Variational image
/// compression with a scale hyperprior", appendix 6.1): per channel, a monotone function
/// f_c: ℝ → ℝ built from softplus-positive matrices and tanh gates, whose sigmoid is the
/// cumulative distribution of that channel's latent.
///
/// The codec quantizes y·g (g the per-channel gain of a quality), so the probability mass of
/// the integer k is F((k + ½)/g) − F((k − ½)/g): one density serves every rate.
public final class EntropyBottleneck: ParameterOwner {
    public static let widths = [1, 3, 3, 3, 1]
    public let channels: Int
    public let matrices: [Parameter], biases: [Parameter], factors: [Parameter]

    public init(channels: Int, initScale: Float = 10, name: String = "entropy", rng: inout SplitMix64) {
        self.channels = channels
        let d = EntropyBottleneck.widths
        let layers = d.count - 1
        let scale = pow(initScale, 1 / Float(layers))
        var m: [Parameter] = [], b: [Parameter] = [], f: [Parameter] = []
        for k in 0..<layers {
            let initial = log(expm1(1 / scale / Float(d[k + 1])))
            m.append(Parameter("\(name).matrix\(k)", shape: [channels, d[k + 1], d[k]],
                               value: [Float](repeating: initial, count: channels * d[k + 1] * d[k])))
            b.append(Parameter("\(name).bias\(k)", shape: [channels, d[k + 1]],
                               value: (0..<channels * d[k + 1]).map { _ in rng.uniform() - 0.5 }))
            if k < layers - 1 {
                f.append(Parameter("\(name).factor\(k)", shape: [channels, d[k + 1]],
                                   value: [Float](repeating: 0, count: channels * d[k + 1])))
            }
        }
        (matrices, biases, factors) = (m, b, f)
    }

    public var parameters: [Parameter] { matrices + biases + factors }

    /// The per-channel constants of f_c after the softplus and tanh, gathered once per call,
    /// in the fixed slots of CKernels' density kernel (density.h).
    struct Channel {
        var matrices = [Float](repeating: 0, count: 4 * 9)    // softplus(H_k), (d_{k+1}, d_k) from 9k
        var biases = [Float](repeating: 0, count: 4 * 3)      // b_k from 3k
        var gates = [Float](repeating: 0, count: 3 * 3)       // tanh(a_k) from 3k
    }

    func channel(_ c: Int) -> Channel {
        let d = EntropyBottleneck.widths
        var ch = Channel()
        for k in 0..<d.count - 1 {
            let size = d[k + 1] * d[k]
            for i in 0..<size { ch.matrices[9 * k + i] = softplus(matrices[k].value[c * size + i]) }
            for i in 0..<d[k + 1] {
                ch.biases[3 * k + i] = biases[k].value[c * d[k + 1] + i]
                if k < factors.count { ch.gates[3 * k + i] = tanh(factors[k].value[c * d[k + 1] + i]) }
            }
        }
        return ch
    }

    /// f_c(x): the logit of the cumulative distribution at x.
    func logits(_ x: Float, _ ch: Channel) -> Float {
        evaluate(Lanes(repeating: x), ch, Trace())[0]
    }

    /// The activations of one evaluation on 16 values, kept for the backward pass: the input
    /// h_k of each layer (4 × 3 × 16) and the tanh of each gated pre-activation (3 × 3 × 16).
    final class Trace {
        let h = Scratch(count: 4 * 3 * Lanes.scalarCount), t = Scratch(count: 3 * 3 * Lanes.scalarCount)
    }

    /// f_c on 16 values at once.
    func evaluate(_ x: Lanes, _ ch: Channel, _ trace: Trace) -> Lanes {
        var (x, out) = (x, Lanes())
        withFloats(&x) { xp in
            withFloats(&out) { aeic_density_forward(ch.matrices, ch.biases, ch.gates, xp, trace.h.base, trace.t.base, $0) }
        }
        return out
    }

    /// Back-propagates dL/df through one evaluation: returns dL/dx and adds the parameter
    /// gradients into `grads` (lane-wise; summed over lanes once per channel).
    func backward(_ g: Lanes, _ ch: Channel, _ trace: Trace, _ grads: ChannelGrads) -> Lanes {
        var (g, dx) = (g, Lanes())
        withFloats(&g) { gp in
            withFloats(&dx) {
                aeic_density_backward(ch.matrices, ch.gates, trace.h.base, trace.t.base, gp, $0,
                                      grads.matrices.base, grads.biases.base, grads.factors.base)
            }
        }
        return dx
    }

    /// Gradients with respect to softplus(H), b and tanh(a) of one channel, one per lane, in
    /// the slots of `Channel`.
    final class ChannelGrads {
        let matrices = Scratch(count: 4 * 9 * Lanes.scalarCount)
        let biases = Scratch(count: 4 * 3 * Lanes.scalarCount)
        let factors = Scratch(count: 3 * 3 * Lanes.scalarCount)
    }

    /// Adds one channel's gradients into the parameters, through softplus′ = σ and tanh′.
    func accumulate(_ grads: ChannelGrads, channel c: Int) {
        let d = EntropyBottleneck.widths
        for k in 0..<d.count - 1 {
            let size = d[k + 1] * d[k]
            for i in 0..<size {
                matrices[k].grad[c * size + i] += grads.matrices.laneSum(9 * k + i) * sigmoid(matrices[k].value[c * size + i])
            }
            for i in 0..<d[k + 1] { biases[k].grad[c * d[k + 1] + i] += grads.biases.laneSum(3 * k + i) }
            if k < factors.count {
                for i in 0..<d[k + 1] {
                    let ta = tanh(factors[k].value[c * d[k + 1] + i])
                    factors[k].grad[c * d[k + 1] + i] += grads.factors.laneSum(3 * k + i) * (1 - ta * ta)
                }
            }
        }
    }

    /// Bits of the integer-centred bins of `v` (gained values, N·M·H·W), given each image's
    /// per-channel gains: Σ −log2 P(v), with P(v) = F((v+½)/g) − F((v−½)/g).
    /// When `grad` is given, the rate's gradients (scaled by `scale`) are added to the
    /// entropy-model parameters and written to `dv` and `dGain` (N·M).
    public func bits(_ v: Tensor, gains: [Float], scale: Float = 1,
                     dv: UnsafeMutablePointer<Float>? = nil,
                     dGain: UnsafeMutablePointer<Float>? = nil) -> Double {
        precondition(v.c == channels && gains.count == v.n * channels, "entropy model shape mismatch")
        let plane = v.planeSize
        var totals = [Double](repeating: 0, count: channels)
        let channelGrads = (0..<channels).map { _ in ChannelGrads() }
        totals.withUnsafeMutableBufferPointer { totalsOut in
            v.data.withUnsafeBufferPointer { vp in
                // Channels are independent: each writes only its own slots.
                DispatchQueue.concurrentPerform(iterations: channels) { c in
                    totalsOut[c] = channelBits(c, vp.baseAddress!, n: v.n, plane: plane,
                                               gains: gains, scale: scale, dv: dv, dGain: dGain,
                                               grads: channelGrads[c])
                }
            }
        }
        if dv != nil { for c in 0..<channels { accumulate(channelGrads[c], channel: c) } }
        return totals.reduce(0, +)
    }

    /// The bits of channel `c` over the batch; see `bits`.
    private func channelBits(_ c: Int, _ v: UnsafePointer<Float>, n: Int, plane: Int, gains: [Float],
                             scale: Float, dv: UnsafeMutablePointer<Float>?,
                             dGain: UnsafeMutablePointer<Float>?, grads: ChannelGrads) -> Double {
        let ch = channel(c)
        let lower = Trace(), upper = Trace()
        var total = 0.0
        for i in 0..<n {
            let g = gains[i * channels + c], inv = 1 / g
            let base = (i * channels + c) * plane
            var gainGrad: Float = 0
            forEachChunk(plane) { p, count in
                let x = Lanes(loading: v + base + p, count: count)
                let xl = (x - 0.5) * inv, xu = (x + 0.5) * inv
                let lo = evaluate(xl, ch, lower), up = evaluate(xu, ch, upper)
                // Evaluate in the tail where the sigmoids are not both near 1.
                let s = Lanes(repeating: 1).replacing(with: -1, where: lo + up .> 0)
                var (sa, sb) = (s * up, s * lo)
                withFloats(&sa) { aeic_sigmoid($0, $0, Lanes.scalarCount) }
                withFloats(&sb) { aeic_sigmoid($0, $0, Lanes.scalarCount) }
                let diff = sa - sb
                let mass = pointwiseMax(diff.replacing(with: -diff, where: diff .< 0), Lanes(repeating: 1e-9))
                for l in 0..<count { total -= Double(log2(mass[l])) }
                guard let dv else { return }
                // d(−log2 p)/dp, passed through the lower bound as CompressAI's LowerBound does;
                // lanes past `count` get no gradient.
                var dp = -scale / (mass * Float(M_LN2))
                if count < Lanes.scalarCount { for l in count..<Lanes.scalarCount { dp[l] = 0 } }
                let sign = Lanes(repeating: 1).replacing(with: -1, where: diff .< 0)
                let dUp = dp * sign * s * sa * (1 - sa)
                let dLo = -dp * sign * s * sb * (1 - sb)
                let dxu = backward(dUp, ch, upper, grads)
                let dxl = backward(dLo, ch, lower, grads)
                (Lanes(loading: dv + base + p, count: count) + (dxu + dxl) * inv).store(to: dv + base + p, count: count)
                gainGrad -= ((dxu * xu + dxl * xl) * inv).sum()
            }
            dGain?[i * channels + c] += gainGrad
        }
        return total
    }
}

/// Zeroed floats owned by a Trace or ChannelGrads, handed to the C kernel.
final class Scratch {
    let base: UnsafeMutablePointer<Float>

    init(count: Int) {
        base = .allocate(capacity: count)
        base.initialize(repeating: 0, count: count)
    }

    /// The sum of the 16 lanes of slot `slot`.
    func laneSum(_ slot: Int) -> Float { Lanes(loading: base + slot * Lanes.scalarCount, count: Lanes.scalarCount).sum() }

    deinit { base.deallocate() }
}

/// `body` with the 16 floats of `lanes`.
@inline(__always) func withFloats<R>(_ lanes: inout Lanes, _ body: (UnsafeMutablePointer<Float>) -> R) -> R {
    withUnsafeMutablePointer(to: &lanes) { $0.withMemoryRebound(to: Float.self, capacity: Lanes.scalarCount, body) }
}

@inline(__always) func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }
@inline(__always) func softplus(_ x: Float) -> Float { x > 15 ? x : log1p(exp(x)) }
