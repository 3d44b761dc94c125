import NN

// y, μ, σ: N, M, H, W;  ẑ: N, Nh, ⌈H/4⌉, ⌈W/4⌉;  hidden: N, Nh, 4⌈H/4⌉, 4⌈W/4⌉ (h_s's last activation)

/// The mean-scale hyperprior (Minnen, Ballé & Toderici 2018) with a checkerboard context (He
/// et al. 2021, "Checkerboard context model for efficient learned image compression"). Half
/// of ŷ, the anchors (row + column even), is coded under a Gaussian whose mean and scale come
/// from h_s(ẑ); the other half under that mean and scale corrected from the decoded anchors
/// around each latent. The decoder needs two passes, not one per latent as with serial
/// autoregression (Minnen et al. 2018).
///
/// h_s is the scale hyperprior's with a second head for the mean, and h_a reads y's signs
/// as well as |y| (`Hyperprior.signed`): from |y| alone z could say nothing of the means. The context network reads
/// the anchors (a 5×5 convolution over ŷ·g⁻ with the other half zeroed) together with h_s's
/// last hidden activation, and adds its corrections to both heads' outputs at the
/// non-anchors. The mean head, h_a's signed input and the context's last layer start at zero, so a model
/// warm-started from a scale hyperprior starts exactly where that model was. Every layer that
/// picks a table has bounded activations, so that `CheckerboardIndexer` can run it in
/// integers.
public final class CheckerboardHyperprior: Prior {
    public let hyper: Hyperprior
    /// h_s's layers up to its last hidden activation, its scale head before the ReLU, the ReLU.
    let trunk: Sequential, scaleHead: Layer, scaleReLU: Layer
    let meanHead: Conv2D
    /// The layers `CheckerboardIndexer` runs in integers, by role.
    var integerLayers: (trunk: [Layer], scale: [Layer], mean: [Layer], context: [Layer], fusion: [Layer]) {
        let convolutions = { (s: Sequential) in s.layers.filter { !$0.parameters.isEmpty } }
        return (convolutions(trunk), [scaleHead], [meanHead], convolutions(context), convolutions(fusion))
    }

    /// The anchors' context: clamp to ±inputBound, 5×5 convolution, bounded ReLU.
    let context: Sequential
    /// Context and hidden activation to the corrections (Δscale, Δmean): 1×1, bounded ReLU, 1×1.
    let fusion: Sequential

    public init(N: Int, M: Int, contextChannels: Int, signedAnalysis: Bool, levels: Int, rng: inout SplitMix64) {
        hyper = Hyperprior(N: N, M: M, levels: levels, signed: signedAnalysis, rng: &rng)
        self.contextChannels = contextChannels
        let layers = hyper.h_s.layers
        (trunk, scaleHead, scaleReLU) = (Sequential(Array(layers[0..<5])), layers[5], layers[6])
        meanHead = Conv2D("h_s.mean", in: N, out: M, kernel: 3, rng: &rng)
        context = Sequential([
            Clamp(lower: -Hyperprior.inputBound, upper: Hyperprior.inputBound),
            Conv2D("context.0", in: M, out: contextChannels, kernel: CheckerboardHyperprior.contextKernel, rng: &rng),
            Clamp(lower: 0, upper: Hyperprior.activationBound),
        ])
        let output = Conv2D("fusion.2", in: contextChannels, out: 2 * M, kernel: 1, rng: &rng)
        fusion = Sequential([
            Conv2D("fusion.0", in: contextChannels + N, out: contextChannels, kernel: 1, rng: &rng),
            Clamp(lower: 0, upper: Hyperprior.activationBound),
            output,
        ])
        for p in meanHead.parameters + output.parameters { p.value = [Float](repeating: 0, count: p.count) }
    }

    var M: Int { meanHead.outChannels }
    let contextChannels: Int

    public var parameters: [Parameter] { hyper.parameters + meanHead.parameters + context.parameters + fusion.parameters }
    var levelGains: [Gains] { hyper.levelGains }
    var codingParameters: [Parameter] { hyper.codingParameters }
    func configure(_ compute: Compute) {
        hyper.configure(compute)
        ([meanHead, context, fusion] as [Layer]).forEach { $0.configure(compute) }
    }
    func configureEncoder(_ compute: Compute) { hyper.configureEncoder(compute) }

    func exportBlobs(gains: Gains) -> [String: [UInt8]] { CheckerboardCoder.export(self, gains: gains) }

    func coder(blobs: [String: [UInt8]], latentChannels: Int) throws -> LatentCoder {
        try CheckerboardCoder(prior: self, blobs: blobs)
    }

    /// The side of the context's convolution.
    static let contextKernel = 5

    /// Whether the latent at `row`, `column` is an anchor (coded in the first pass).
    static func isAnchor(row: Int, column: Int) -> Bool { (row + column) % 2 == 0 }

    /// The latents of one half of an `height`×`width` board (indexes row·width + column), row
    /// by row: the order in which each channel's half is coded.
    static func positions(anchors: Bool, height: Int, width: Int) -> [Int] {
        (0..<height).flatMap { row in
            stride(from: isAnchor(row: row, column: 0) == anchors ? 0 : 1, to: width, by: 2).map { row * width + $0 }
        }
    }

    /// `t` with the latents of the other half set to 0.
    static func keeping(anchors: Bool, of t: Tensor) -> Tensor {
        var out = t
        for plane in 0..<(t.n * t.c) {
            for row in 0..<t.h {
                for column in 0..<t.w where isAnchor(row: row, column: column) != anchors {
                    out.data[(plane * t.h + row) * t.w + column] = 0
                }
            }
        }
        return out
    }

    /// Bits of y's noisy latents under the means and scales of the two passes, plus the bits
    /// of z; dL/dy through z and dL/dŷ through the context come back in the result.
    func bits(_ y: Tensor, _ q: GainedQuantization, rng: inout SplitMix64, scale: Float,
              dNoisy: UnsafeMutablePointer<Float>, dGain: UnsafeMutablePointer<Float>) -> PriorBits {
        let side = hyper.sideInformation(y, levels: q.levels, rng: &rng, scale: scale)
        let hidden = trunk.forward(side.q.decoded)
        let crop = { (t: Tensor) in Hyperprior.cropped(t, height: y.h, width: y.w) }
        let pad = { (t: Tensor) in Hyperprior.padded(t, height: hidden.h, width: hidden.w) }
        let c = context.forward(CheckerboardHyperprior.keeping(anchors: true, of: q.decoded))
        let delta = CheckerboardHyperprior.keeping(anchors: false, of: fusion.forward(.concatenating(channels: [c, crop(hidden)])))
        let sigma = scaleReLU.forward(crop(scaleHead.forward(hidden)) + delta.channels(0..<M))
        let mean = crop(meanHead.forward(hidden)) + delta.channels(M..<2 * M)

        var dSigma = Tensor(zerosLike: sigma), dMean = Tensor(zerosLike: mean)
        let yBits = dSigma.data.withUnsafeMutableBufferPointer { ds in
            dMean.data.withUnsafeMutableBufferPointer { dm in
                GaussianConditional.bits(q.noisy, sigma: sigma, mean: mean, gains: q.gain, scale: scale,
                                         dv: dNoisy, dSigma: ds.baseAddress!, dMean: dm.baseAddress!, dGain: dGain)
            }
        }
        let dScale = scaleReLU.backward(dSigma)
        let dDelta = CheckerboardHyperprior.keeping(anchors: false, of: .concatenating(channels: [dScale, dMean]))
        let dFused = fusion.backward(dDelta)
        let k = contextChannels
        let dAnchors = context.backward(dFused.channels(0..<k))
        let dHidden = scaleHead.backward(pad(dScale)) + meanHead.backward(pad(dMean)) + pad(dFused.channels(k..<dFused.c))
        return PriorBits(bits: side.bits + yBits, dy: hyper.backward(side, y: y, dDecoded: trunk.backward(dHidden)),
                         dDecoded: CheckerboardHyperprior.keeping(anchors: true, of: dAnchors))
    }
}
