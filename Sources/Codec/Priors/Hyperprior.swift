import Foundation
import NN

// y: N, M, H, W (un-gained latents);  z: N, Nh, ⌈H/4⌉, ⌈W/4⌉;  σ: N, M, H, W

/// The scale hyperprior of Ballé et al. 2018 ("Variational image compression with a scale
/// hyperprior"): z = h_a(|y|) summarises where the latents are large; ẑ is coded with a
/// factorized density, and h_s(ẑ) predicts the scale σ of every latent for the Gaussian
/// conditional. z has its own gains per quality level, like y, so its bits follow the rate.
///
/// h_s's activations are bounded (its input to ±`inputBound`, its hidden ReLUs to
/// [0, `activationBound`]) so that `ScaleIndexer` can run it in exact integer arithmetic:
/// the encoder and every decoder must pick the same table for each latent.
///
/// z = h_a(|y|) carries no sign, so h_s could predict no mean from it. A mean-scale prior
/// (Minnen et al. 2018, whose h_a reads y itself) adds `signed`: a 3×3 convolution of y summed
/// with h_a's first layer of |y|. It starts at zero, so a scale hyperprior's h_a warm-starts
/// it exactly.
public final class Hyperprior: Prior {
    public static let inputBound: Float = 32
    public static let activationBound: Float = 8
    public let h_a: Sequential
    let signed: Conv2D?
    public let h_s: Sequential
    public let entropy: EntropyBottleneck
    public let gains: Gains

    public init(N: Int, M: Int, levels: Int, signed: Bool = false, rng: inout SplitMix64) {
        h_a = Sequential([
            Conv2D("h_a.0", in: M, out: N, kernel: 3, stride: 1, rng: &rng), LeakyReLU(),
            Conv2D("h_a.2", in: N, out: N, kernel: 5, stride: 2, rng: &rng), LeakyReLU(),
            Conv2D("h_a.4", in: N, out: N, kernel: 5, stride: 2, rng: &rng),
        ])
        h_s = Sequential([
            Clamp(lower: -Hyperprior.inputBound, upper: Hyperprior.inputBound),
            ConvTranspose2D("h_s.0", in: N, out: N, kernel: 5, stride: 2, rng: &rng),
            Clamp(lower: 0, upper: Hyperprior.activationBound),
            ConvTranspose2D("h_s.2", in: N, out: N, kernel: 5, stride: 2, rng: &rng),
            Clamp(lower: 0, upper: Hyperprior.activationBound),
            Conv2D("h_s.4", in: N, out: M, kernel: 3, stride: 1, rng: &rng), LeakyReLU(),
        ])
        entropy = EntropyBottleneck(channels: N, name: "hyper.entropy", rng: &rng)
        gains = Gains(levels: levels, channels: N, name: "hyper.gain")
        self.signed = signed ? Conv2D("h_a.signed", in: M, out: N, kernel: 3, stride: 1, rng: &rng) : nil
        for p in self.signed?.parameters ?? [] { p.value = [Float](repeating: 0, count: p.count) }
        (first, rest) = (h_a.layers[0], Sequential(Array(h_a.layers.dropFirst())))
    }

    /// h_a's first layer (of |y|) and the layers after it, which read its sum with `signed`'s.
    private let first: Layer, rest: Sequential

    /// The encoder's half of the hyperprior: its parameters travel in model files.
    private var analysis: [Layer] { [h_a] + (signed.map { [$0] } ?? []) }
    private var analysisParameters: [Parameter] { analysis.flatMap(\.parameters) }

    public var parameters: [Parameter] { analysisParameters + h_s.parameters + entropy.parameters + gains.parameters }

    var levelGains: [Gains] { [gains] }
    /// h_a for the encoder and z's gains; the file stores h_s as integers and z's density as tables.
    var codingParameters: [Parameter] { analysisParameters + gains.parameters }
    func configure(_ compute: Compute) { (analysis + [h_s]).forEach { $0.configure(compute) } }
    func configureEncoder(_ compute: Compute) { analysis.forEach { $0.configure(compute) } }

    /// z for coding: h_a(|y|), plus `signed`'s reading of y when there is one.
    func analyse(_ y: Tensor) -> Tensor {
        let a = first.infer(y.map { abs($0) })
        return rest.infer(signed.map { a + $0.infer(y) } ?? a)
    }

    func exportBlobs(gains: Gains) -> [String: [UInt8]] { HyperpriorCoder.export(self, gains: gains) }

    func coder(blobs: [String: [UInt8]], latentChannels: Int) throws -> LatentCoder {
        try HyperpriorCoder(hyper: self, latentChannels: latentChannels, blobs: blobs)
    }

    /// The convolutions of h_s, in order: what `ScaleIndexer` quantizes.
    var synthesisLayers: [Layer] { h_s.layers.filter { !$0.parameters.isEmpty } }

    /// Bits of y's noisy latents `q.noisy` under the hyperprior, plus the bits of z. The
    /// rate's gradients (scaled by `scale`) go to `dNoisy` and `dGain` (y's, per image and
    /// channel) and to the hyperprior's parameters; the return value also carries dL/dy
    /// through h_a.
    func bits(_ y: Tensor, _ q: GainedQuantization, rng: inout SplitMix64, scale: Float,
              dNoisy: UnsafeMutablePointer<Float>, dGain: UnsafeMutablePointer<Float>) -> PriorBits {
        let side = sideInformation(y, levels: q.levels, rng: &rng, scale: scale)
        let sigma = Hyperprior.cropped(h_s.forward(side.q.decoded), height: y.h, width: y.w)
        var dSigma = Tensor(zerosLike: sigma)
        let yBits = dSigma.data.withUnsafeMutableBufferPointer { ds in
            GaussianConditional.bits(q.noisy, sigma: sigma, gains: q.gain, scale: scale,
                                     dv: dNoisy, dSigma: ds.baseAddress!, dGain: dGain)
        }
        let dzDecoded = h_s.backward(Hyperprior.padded(dSigma, height: 4 * side.z.h, width: 4 * side.z.w))
        return PriorBits(bits: side.bits + yBits, dy: backward(side, y: y, dDecoded: dzDecoded))
    }

    /// z = h_a(|y|) quantized at the images' levels, the bits of its noisy values under the
    /// factorized density, and their gradients.
    struct SideInformation {
        let z: Tensor, q: GainedQuantization, bits: Double
        let dNoisy: Tensor, dGain: [Float]
    }

    func sideInformation(_ y: Tensor, levels: [Int], rng: inout SplitMix64, scale: Float) -> SideInformation {
        let a = first.forward(y.map { abs($0) })
        let z = rest.forward(signed.map { a + $0.forward(y) } ?? a)
        let qz = GainedQuantization(z, gains: gains, levels: levels, rng: &rng)
        var dzNoisy = Tensor(zerosLike: z)
        var dzGain = [Float](repeating: 0, count: qz.gain.count)
        let zBits = dzNoisy.data.withUnsafeMutableBufferPointer { dv in
            dzGain.withUnsafeMutableBufferPointer { dg in
                entropy.bits(qz.noisy, gains: qz.gain, scale: scale, dv: dv.baseAddress!, dGain: dg.baseAddress!)
            }
        }
        return SideInformation(z: z, q: qz, bits: zBits, dNoisy: dzNoisy, dGain: dzGain)
    }

    /// dL/dy through z, given the gradient of whatever read ẑ (`dDecoded`).
    func backward(_ side: SideInformation, y: Tensor, dDecoded: Tensor) -> Tensor {
        let dz = side.q.backward(side.z, dNoisy: side.dNoisy, dGain: side.dGain, dDecoded: dDecoded, gains: gains)
        let da = rest.backward(dz)
        var dy = first.backward(da)
        for k in 0..<dy.count where y.data[k] < 0 { dy.data[k] = -dy.data[k] }
        return signed.map { dy + $0.backward(da) } ?? dy
    }

    /// The top-left `height`×`width` of every plane: h_s upsamples z by 4, which covers y.
    static func cropped(_ t: Tensor, height: Int, width: Int) -> Tensor {
        guard t.h != height || t.w != width else { return t }
        return t.window(y: 0, x: 0, height: height, width: width)
    }

    /// The adjoint of `cropped`: zeros beyond the cropped region.
    static func padded(_ t: Tensor, height: Int, width: Int) -> Tensor {
        guard t.h != height || t.w != width else { return t }
        var out = Tensor(n: t.n, c: t.c, h: height, w: width)
        out.paste(t, from: (0, 0), height: t.h, width: t.w, to: (0, 0))
        return out
    }
}
