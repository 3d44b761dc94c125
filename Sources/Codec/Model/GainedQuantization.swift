import NN

// v: N, C, H, W (latents in the un-gained domain);  gains per image and channel (N·C)

/// A batch of latents quantized at each image's quality level for training. The rate sees
/// v·g + u (additive uniform noise, the differentiable proxy for rounding); the decoder side
/// sees round(v·g)·g⁻ with a straight-through gradient ("mixed" quantization), so training
/// decodes what inference decodes. Used for y with the quality gains and for the hyperprior's
/// z with its own.
struct GainedQuantization {
    let levels: [Int]
    /// Encoder gains g and decoder gains g⁻ of each image's level, per image and channel.
    let gain: [Float], inverse: [Float]
    let noisy: Tensor, rounded: Tensor, decoded: Tensor

    init(_ v: Tensor, gains: Gains, levels: [Int], rng: inout SplitMix64) {
        let m = v.c
        precondition(gains.channels == m && levels.count == v.n, "one level per image, one gain per channel")
        var gain = [Float](), inverse = [Float]()
        for l in levels {
            gain += gains.gain.value[(l * m)..<((l + 1) * m)]
            inverse += gains.inverse.value[(l * m)..<((l + 1) * m)]
        }
        var noisy = v, rounded = v, decoded = v
        let plane = v.planeSize
        for k in 0..<(v.n * m) {
            let (g, ig) = (gain[k], inverse[k])
            for p in (k * plane)..<((k + 1) * plane) {
                let scaled = v.data[p] * g
                noisy.data[p] = scaled + rng.uniform() - 0.5
                rounded.data[p] = scaled.rounded()
                decoded.data[p] = rounded.data[p] * ig
            }
        }
        (self.levels, self.gain, self.inverse) = (levels, gain, inverse)
        (self.noisy, self.rounded, self.decoded) = (noisy, rounded, decoded)
    }

    /// dL/dv from the rate's gradients (`dNoisy`, and `dGain` per image and channel) and the
    /// decoder side's (`dDecoded`); adds the gains' gradients into `gains`.
    func backward(_ v: Tensor, dNoisy: Tensor, dGain: [Float], dDecoded: Tensor, gains: Gains) -> Tensor {
        let m = v.c, plane = v.planeSize
        var dv = Tensor(zerosLike: v)
        for k in 0..<(v.n * m) {
            let (g, ig) = (gain[k], inverse[k])
            let slot = levels[k / m] * m + k % m
            var dInverse: Float = 0, dG = dGain[k]
            for p in (k * plane)..<((k + 1) * plane) {
                dInverse += dDecoded.data[p] * rounded.data[p]
                let dScaled = dNoisy.data[p] + dDecoded.data[p] * ig     // straight through round()
                dG += dScaled * v.data[p]
                dv.data[p] = dScaled * g
            }
            gains.inverse.grad[slot] += dInverse
            gains.gain.grad[slot] += dG
        }
        return dv
    }
}
