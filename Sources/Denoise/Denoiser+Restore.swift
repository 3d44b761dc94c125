import NN

extension Denoiser {
    /// The estimated σ (0–255 units) below which a photo is kept as it is, and above which the
    /// network's output is taken whole; between them, a linear blend. On the validation photos
    /// (σ 0–15) the network loses detail that is worth more than the noise it removes below
    /// about σ 5, most on city photos; these bounds gave the best mean PSNR there.
    public static let gate: ClosedRange<Float> = 5.5...11

    /// The share of the network's change kept for a photo of estimated noise `sigma` (all of
    /// it when the noise could not be estimated).
    public static func strength(_ sigma: Float?) -> Float {
        guard let sigma else { return 1 }
        return min(max((sigma - gate.lowerBound) / (gate.upperBound - gate.lowerBound), 0), 1)
    }

    /// The photo `x` (1, 3, H, W in [0, 1]) restored: the network's output at the pixels that
    /// `impulses` may have set, and elsewhere the input moved towards the output by the gate's
    /// strength for the photo's estimated noise. Each of `refinements` further passes runs the
    /// network on the result and takes its output at the candidate pixels again: a filled-in
    /// pixel is estimated better once its neighbours are. Candidates with no other pixel near
    /// them take the majority of their window instead (`ImpulseNoise.unobserved`).
    public func restore(_ x: Tensor, impulses: ImpulseNoise?, refinements: Int = 0) -> Tensor {
        let candidates = impulses?.candidates(x) ?? []
        var out = Denoiser.combine(noisy: x, denoised: denoise(x, impulses: impulses),
                                   strength: Denoiser.strength(NoiseLevel.sigma(x)), candidates: candidates)
        guard candidates.contains(true) else { return out }
        let unobserved = ImpulseNoise.unobserved(x, candidates: candidates)
        for pass in 0...refinements {
            if pass > 0 {
                out = Denoiser.combine(noisy: out, denoised: denoise(out, impulses: impulses), strength: 0, candidates: candidates)
            }
            for (pixel, value) in unobserved {
                for c in 0..<out.c { out.data[c * out.planeSize + pixel] = value }
            }
        }
        return out
    }

    /// `x` restored blind: with the impulse noise `ImpulseNoise.detect` finds in it, if any.
    public func restore(_ x: Tensor, refinements: Int = 0) -> Tensor {
        restore(x, impulses: ImpulseNoise.detect(x), refinements: refinements)
    }

    /// `denoised` at the candidate pixels (none if `candidates` is empty), and
    /// noisy + strength · (denoised − noisy) elsewhere, written over `denoised` (whose memory
    /// a large photo cannot spare twice).
    static func combine(noisy: Tensor, denoised: consuming Tensor, strength: Float, candidates: [Bool]) -> Tensor {
        precondition(noisy.sameShape(denoised) && noisy.n == 1, "one image, same shape")
        var out = consume denoised
        let plane = noisy.planeSize
        noisy.data.withUnsafeBufferPointer { x in
            out.data.withUnsafeMutableBufferPointer { y in
                for c in 0..<noisy.c {
                    for p in 0..<plane where candidates.isEmpty || !candidates[p] {
                        let k = c * plane + p
                        y[k] = x[k] + strength * (y[k] - x[k])
                    }
                }
            }
        }
        return out
    }
}
