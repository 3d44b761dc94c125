import Dispatch
import Foundation
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

    public init(channels: Int, initScale: Float = 10, rng: inout SplitMix64) {
        self.channels = channels
        let d = EntropyBottleneck.widths
        let layers = d.count - 1
        let scale = pow(initScale, 1 / Float(layers))
        var m: [Parameter] = [], b: [Parameter] = [], f: [Parameter] = []
        for k in 0..<layers {
            let initial = log(expm1(1 / scale / Float(d[k + 1])))
            m.append(Parameter("entropy.matrix\(k)", shape: [channels, d[k + 1], d[k]],
                               value: [Float](repeating: initial, count: channels * d[k + 1] * d[k])))
            b.append(Parameter("entropy.bias\(k)", shape: [channels, d[k + 1]],
                               value: (0..<channels * d[k + 1]).map { _ in rng.uniform() - 0.5 }))
            if k < layers - 1 {
                f.append(Parameter("entropy.factor\(k)", shape: [channels, d[k + 1]],
                                   value: [Float](repeating: 0, count: channels * d[k + 1])))
            }
        }
        (matrices, biases, factors) = (m, b, f)
    }

    public var parameters: [Parameter] { matrices + biases + factors }

    /// The per-channel constants of f_c after the softplus and tanh, gathered once per call.
    struct Channel {
        var matrices: [[Float]]   // softplus(H_k), row-major (d_{k+1}, d_k)
        var biases: [[Float]]
        var gates: [[Float]]      // tanh(a_k)
    }

    func channel(_ c: Int) -> Channel {
        let d = EntropyBottleneck.widths
        var ch = Channel(matrices: [], biases: [], gates: [])
        for k in 0..<d.count - 1 {
            let size = d[k + 1] * d[k]
            ch.matrices.append((0..<size).map { softplus(matrices[k].value[c * size + $0]) })
            ch.biases.append(Array(biases[k].value[(c * d[k + 1])..<((c + 1) * d[k + 1])]))
            if k < factors.count {
                ch.gates.append(factors[k].value[(c * d[k + 1])..<((c + 1) * d[k + 1])].map { tanh($0) })
            }
        }
        return ch
    }

    /// f_c(x): the logit of the cumulative distribution at x.
    func logits(_ x: Float, _ ch: Channel) -> Float {
        var trace = Trace()
        return evaluate(Lanes(repeating: x), ch, &trace)[0]
    }

    /// The activations of one evaluation on 16 values, kept for the backward pass: the input
    /// h_k of each layer and the tanh of each gated pre-activation. Width 3 fits every layer.
    struct Trace {
        var h = InlineArray<4, InlineArray<3, Lanes>>(repeating: .init(repeating: .zero))
        var t = InlineArray<3, InlineArray<3, Lanes>>(repeating: .init(repeating: .zero))
    }

    /// f_c on 16 values at once.
    func evaluate(_ x: Lanes, _ ch: Channel, _ trace: inout Trace) -> Lanes {
        let d = EntropyBottleneck.widths, last = d.count - 2
        trace.h[0][0] = x
        for k in 0..<last {
            for i in 0..<d[k + 1] {
                let z = affine(k, i, ch, trace.h[k])
                let t = Lanes.tanh(z)
                trace.t[k][i] = t
                trace.h[k + 1][i] = z + ch.gates[k][i] * t
            }
        }
        return affine(last, 0, ch, trace.h[last])
    }

    /// Unit i of layer k before its gate: b_k[i] + Σ_j softplus(H_k)[i, j] h_j.
    @inline(__always) func affine(_ k: Int, _ i: Int, _ ch: Channel, _ h: InlineArray<3, Lanes>) -> Lanes {
        let fanIn = EntropyBottleneck.widths[k]
        var z = Lanes(repeating: ch.biases[k][i])
        for j in 0..<fanIn { z += ch.matrices[k][i * fanIn + j] * h[j] }
        return z
    }

    /// Back-propagates dL/df through one evaluation: returns dL/dx and adds the parameter
    /// gradients into `grads` (lane-wise; summed over lanes once per channel).
    func backward(_ g: Lanes, _ ch: Channel, _ trace: Trace, _ grads: inout ChannelGrads) -> Lanes {
        let d = EntropyBottleneck.widths
        var dz = InlineArray<3, Lanes>(repeating: .zero)
        dz[0] = g
        var k = d.count - 2
        while true {
            var dh = InlineArray<3, Lanes>(repeating: .zero)
            for i in 0..<d[k + 1] {
                grads.biases[k][i] += dz[i]
                for j in 0..<d[k] {
                    grads.matrices[k][i * d[k] + j] += dz[i] * trace.h[k][j]
                    dh[j] += ch.matrices[k][i * d[k] + j] * dz[i]
                }
            }
            if k == 0 { return dh[0] }
            k -= 1
            // h_{k+1} = z_k + tanh(a_k) tanh(z_k)
            for i in 0..<d[k + 1] {
                let t = trace.t[k][i]
                grads.factors[k][i] += dh[i] * t
                dz[i] = dh[i] * (1 + ch.gates[k][i] * (1 - t * t))
            }
        }
    }

    /// Gradients with respect to softplus(H), b and tanh(a) of one channel, one per lane.
    struct ChannelGrads {
        var matrices = InlineArray<4, InlineArray<9, Lanes>>(repeating: .init(repeating: .zero))
        var biases = InlineArray<4, InlineArray<3, Lanes>>(repeating: .init(repeating: .zero))
        var factors = InlineArray<3, InlineArray<3, Lanes>>(repeating: .init(repeating: .zero))
    }

    /// Adds one channel's gradients into the parameters, through softplus′ = σ and tanh′.
    func accumulate(_ grads: ChannelGrads, channel c: Int) {
        let d = EntropyBottleneck.widths
        for k in 0..<d.count - 1 {
            let size = d[k + 1] * d[k]
            for i in 0..<size {
                matrices[k].grad[c * size + i] += grads.matrices[k][i].sum() * sigmoid(matrices[k].value[c * size + i])
            }
            for i in 0..<d[k + 1] { biases[k].grad[c * d[k + 1] + i] += grads.biases[k][i].sum() }
            if k < factors.count {
                for i in 0..<d[k + 1] {
                    let ta = tanh(factors[k].value[c * d[k + 1] + i])
                    factors[k].grad[c * d[k + 1] + i] += grads.factors[k][i].sum() * (1 - ta * ta)
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
        var channelGrads = [ChannelGrads](repeating: ChannelGrads(), count: channels)
        totals.withUnsafeMutableBufferPointer { totalsOut in
            channelGrads.withUnsafeMutableBufferPointer { gradsOut in
                v.data.withUnsafeBufferPointer { vp in
                    // Channels are independent: each writes only its own slots.
                    DispatchQueue.concurrentPerform(iterations: channels) { c in
                        totalsOut[c] = channelBits(c, vp.baseAddress!, n: v.n, plane: plane,
                                                   gains: gains, scale: scale, dv: dv, dGain: dGain,
                                                   grads: &gradsOut[c])
                    }
                }
            }
        }
        if dv != nil { for c in 0..<channels { accumulate(channelGrads[c], channel: c) } }
        return totals.reduce(0, +)
    }

    /// The bits of channel `c` over the batch; see `bits`.
    private func channelBits(_ c: Int, _ v: UnsafePointer<Float>, n: Int, plane: Int, gains: [Float],
                             scale: Float, dv: UnsafeMutablePointer<Float>?,
                             dGain: UnsafeMutablePointer<Float>?, grads: inout ChannelGrads) -> Double {
        let ch = channel(c)
        var lower = Trace(), upper = Trace()
        var total = 0.0
        for i in 0..<n {
            let g = gains[i * channels + c], inv = 1 / g
            let base = (i * channels + c) * plane
            var gainGrad: Float = 0
            forEachChunk(plane) { p, count in
                let x = Lanes(loading: v + base + p, count: count)
                let xl = (x - 0.5) * inv, xu = (x + 0.5) * inv
                let lo = evaluate(xl, ch, &lower), up = evaluate(xu, ch, &upper)
                // Evaluate in the tail where the sigmoids are not both near 1.
                let s = Lanes(repeating: 1).replacing(with: -1, where: lo + up .> 0)
                let sa = Lanes.sigmoid(s * up), sb = Lanes.sigmoid(s * lo)
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
                let dxu = backward(dUp, ch, upper, &grads)
                let dxl = backward(dLo, ch, lower, &grads)
                (Lanes(loading: dv + base + p, count: count) + (dxu + dxl) * inv).store(to: dv + base + p, count: count)
                gainGrad -= ((dxu * xu + dxl * xl) * inv).sum()
            }
            dGain?[i * channels + c] += gainGrad
        }
        return total
    }
}

@inline(__always) func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }
@inline(__always) func softplus(_ x: Float) -> Float { x > 15 ? x : log1p(exp(x)) }
