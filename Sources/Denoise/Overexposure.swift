import NN

/// Training photos pushed brighter until their highlights clip, as an overexposed sky is.
///
/// Under salt-and-pepper noise a clipped region is all candidates (white in every channel), and
/// the network must learn there that white is the photo's own. Few training photos have such
/// regions (15 of 552 have over 5% of their pixels clipped), while many photos, Kodak's among
/// them, do; pushing a share of the crops makes them common.
public struct Overexposure: Sendable {
    /// The share of crops pushed.
    public var share: Float
    /// The gain a pushed crop's levels are multiplied by, drawn uniformly.
    public var gain: ClosedRange<Float> = 1.2...2

    public init(share: Float) { self.share = share }

    /// Pushes `samples` (one image's planes) in place with probability `share`, drawing from
    /// `rng` only when `share` is above 0 (so a run without it draws what it always drew), and
    /// rounds the result to the 8-bit levels, so a clipped sample is exactly 1.
    public func apply(to samples: UnsafeMutableBufferPointer<Float>, rng: inout SplitMix64) {
        guard share > 0, rng.uniform() < share else { return }
        let g = gain.lowerBound + rng.uniform() * (gain.upperBound - gain.lowerBound)
        for k in samples.indices { samples[k] = (min(samples[k] * g, 1) * 255).rounded() / 255 }
    }
}
