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

    /// How much work `restore` spends on a photo beyond one pass of the network.
    public struct Effort: Sendable {
        /// Further passes over the pixels impulse noise may have set: a filled-in pixel is
        /// estimated better once its neighbours are.
        public var refinements: Int
        /// Every pass averages the network over the eight flips and rotations of the photo
        /// (`denoise(_:impulses:selfEnsemble:)`), at eight times the time.
        public var selfEnsemble: Bool

        public init(refinements: Int = 0, selfEnsemble: Bool = false) {
            (self.refinements, self.selfEnsemble) = (refinements, selfEnsemble)
        }
    }

    /// The photo `x` (1, 3, H, W in [0, 1]) restored: the network's output at the pixels that
    /// `impulses` may have set, and elsewhere the input moved towards the output by the gate's
    /// strength for the photo's estimated noise. Each of `effort`'s refinements runs the
    /// network on the result and takes its output at the candidate pixels again. Candidates
    /// with no other pixel near them take the majority of their window instead
    /// (`ImpulseNoise.unobserved`).
    public func restore(_ x: Tensor, impulses: ImpulseNoise?, effort: Effort = Effort()) -> Tensor {
        func pass(_ input: Tensor) -> Tensor { denoise(input, impulses: impulses, selfEnsemble: effort.selfEnsemble) }
        let candidates = impulses?.candidates(x) ?? []
        var out = Denoiser.combine(noisy: x, denoised: pass(x),
                                   strength: Denoiser.strength(NoiseLevel.sigma(x)), candidates: candidates)
        guard candidates.contains(true) else { return out }
        let unobserved = ImpulseNoise.unobserved(x, candidates: candidates)
        for refinement in 0...effort.refinements {
            if refinement > 0 { out = Denoiser.combine(noisy: out, denoised: pass(out), strength: 0, candidates: candidates) }
            for (pixel, value) in unobserved {
                for c in 0..<out.c { out.data[c * out.planeSize + pixel] = value }
            }
        }
        return out
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
