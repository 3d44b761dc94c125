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
        return evaluate(x, ch, &trace)
    }

    /// Activations of one evaluation, kept for the backward pass. Width 3 fits every layer.
    struct Trace {
        var z = [[Float]](repeating: [0, 0, 0], count: 4)
        var h = [[Float]](repeating: [0, 0, 0], count: 4)   // h[k] is the input of layer k
    }

    func evaluate(_ x: Float, _ ch: Channel, _ t: inout Trace) -> Float {
        let d = EntropyBottleneck.widths
        t.h[0][0] = x
        for k in 0..<d.count - 1 {
            for i in 0..<d[k + 1] {
                var s = ch.biases[k][i]
                for j in 0..<d[k] { s += ch.matrices[k][i * d[k] + j] * t.h[k][j] }
                t.z[k][i] = s
                if k + 1 < d.count - 1 { t.h[k + 1][i] = s + ch.gates[k][i] * tanh(s) }
            }
        }
        return t.z[d.count - 2][0]
    }

    /// Back-propagates dL/df through one evaluation: returns dL/dx and adds the parameter
    /// gradients of channel `c` into `grads` (laid out as `parameters`, per channel).
    func backward(_ g: Float, _ ch: Channel, _ t: Trace, _ grads: inout ChannelGrads) -> Float {
        let d = EntropyBottleneck.widths
        var dz: [Float] = [g, 0, 0]
        var k = d.count - 2
        while true {
            var dh: [Float] = [0, 0, 0]
            for i in 0..<d[k + 1] {
                grads.biases[k][i] += dz[i]
                for j in 0..<d[k] {
                    grads.matrices[k][i * d[k] + j] += dz[i] * t.h[k][j]
                    dh[j] += ch.matrices[k][i * d[k] + j] * dz[i]
                }
            }
            if k == 0 { return dh[0] }
            k -= 1
            // h[k+1] = z_k + tanh(a_k) tanh(z_k)
            for i in 0..<d[k + 1] {
                let tz = tanh(t.z[k][i])
                grads.factors[k][i] += dh[i] * tz
                dz[i] = dh[i] * (1 + ch.gates[k][i] * (1 - tz * tz))
            }
        }
    }

    /// Gradients with respect to softplus(H), b and tanh(a) of one channel.
    struct ChannelGrads {
        var matrices: [[Float]], biases: [[Float]], factors: [[Float]]
        init() {
            let d = EntropyBottleneck.widths
            matrices = (0..<d.count - 1).map { [Float](repeating: 0, count: d[$0 + 1] * d[$0]) }
            biases = (0..<d.count - 1).map { [Float](repeating: 0, count: d[$0 + 1]) }
            factors = (0..<d.count - 2).map { [Float](repeating: 0, count: d[$0 + 1]) }
        }
    }

    /// Adds one channel's gradients into the parameters, through softplus′ = σ and tanh′.
    func accumulate(_ grads: ChannelGrads, channel c: Int) {
        let d = EntropyBottleneck.widths
        for k in 0..<d.count - 1 {
            let size = d[k + 1] * d[k]
            for i in 0..<size {
                matrices[k].grad[c * size + i] += grads.matrices[k][i] * sigmoid(matrices[k].value[c * size + i])
            }
            for i in 0..<d[k + 1] { biases[k].grad[c * d[k + 1] + i] += grads.biases[k][i] }
            if k < factors.count {
                for i in 0..<d[k + 1] {
                    let ta = tanh(factors[k].value[c * d[k + 1] + i])
                    factors[k].grad[c * d[k + 1] + i] += grads.factors[k][i] * (1 - ta * ta)
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
            for p in 0..<plane {
                let x = v[base + p]
                let xl = (x - 0.5) * inv, xu = (x + 0.5) * inv
                let lo = evaluate(xl, ch, &lower), up = evaluate(xu, ch, &upper)
                // Evaluate in the tail where the sigmoids are not both near 1.
                let s: Float = lo + up > 0 ? -1 : 1
                let sa = sigmoid(s * up), sb = sigmoid(s * lo)
                let diff = sa - sb
                let mass = max(abs(diff), 1e-9)
                total -= Double(log2(mass))
                guard let dv else { continue }
                // d(−log2 p)/dp, passed through the lower bound as CompressAI's LowerBound does
                let dp = -scale / (mass * Float(M_LN2))
                let sign: Float = diff >= 0 ? 1 : -1
                let dUp = dp * sign * s * sa * (1 - sa)
                let dLo = -dp * sign * s * sb * (1 - sb)
                let dxu = backward(dUp, ch, upper, &grads)
                let dxl = backward(dLo, ch, lower, &grads)
                dv[base + p] += (dxu + dxl) * inv
                gainGrad -= (dxu * xu + dxl * xl) * inv
            }
            dGain?[i * channels + c] += gainGrad
        }
        return total
    }
}

@inline(__always) func sigmoid(_ x: Float) -> Float { 1 / (1 + exp(-x)) }
@inline(__always) func softplus(_ x: Float) -> Float { x > 15 ? x : log1p(exp(x)) }
