import NN

/// The blind training distribution: each image gets one of the three noises at a level drawn
/// uniformly from its range, or stays clean (so that clean photos come back unchanged).
public struct NoiseMixture: Sendable {
    /// σ in 0–255 units.
    public var sigma: ClosedRange<Float> = 0...55
    public var masking: ClosedRange<Float> = 0.05...0.7
    public var saltPepper: ClosedRange<Float> = 0.05...0.7
    /// The share of clean inputs; the rest is split evenly among the three noises.
    public var clean: Float = 0.1

    public init() {}

    /// One draw: nil for a clean input.
    public func draw(_ rng: inout SplitMix64) -> Noise? {
        let u = rng.uniform()
        guard u >= clean else { return nil }
        func level(_ range: ClosedRange<Float>) -> Float {
            range.lowerBound + rng.uniform() * (range.upperBound - range.lowerBound)
        }
        switch Int((u - clean) / (1 - clean) * 3) {
        case 0: return .gaussian(sigma: level(sigma))
        case 1: return .masking(fraction: level(masking))
        default: return .saltPepper(fraction: level(saltPepper))
        }
    }
}
