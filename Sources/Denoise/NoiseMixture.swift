import NN

/// The blind training distribution: each image gets one of the three noises at a level drawn
/// uniformly from its range, or stays clean (so that clean photos come back unchanged).
public struct NoiseMixture: Sendable, CustomStringConvertible {
    /// σ in 0–255 units.
    public var sigma: ClosedRange<Float> = 0...55
    public var masking: ClosedRange<Float> = 0.05...0.7
    public var saltPepper: ClosedRange<Float> = 0.05...0.7
    /// The share of inputs of each kind; the rest (here 0.1) stays clean.
    public private(set) var shares: [Noise.Kind: Float] = [.gaussian: 0.3, .masking: 0.3, .saltpepper: 0.3]

    public init() {}

    /// The mixture with these shares of each kind (the kinds left out get none), or nil
    /// unless each is in [0, 1] and together they are at most 1.
    public init?(shares: [Noise.Kind: Float]) {
        self.shares = shares
        guard shares.values.allSatisfy({ (0...1).contains($0) }), noisy <= 1 + 1e-6 else { return nil }
    }

    /// The share of noisy inputs, summed in a fixed order (a dictionary's varies from run to
    /// run, and with it the rounding), so that a seed draws the same noises in every run.
    private var noisy: Float { Noise.Kind.allCases.reduce(0) { $0 + shares[$1, default: 0] } }

    /// The share of clean inputs.
    public var clean: Float { max(0, 1 - noisy) }

    /// The shares in words, e.g. "gaussian 0.3, masking 0.3, saltpepper 0.3, clean 0.1".
    public var description: String {
        let rounded = { (share: Float) in (share * 1000).rounded() / 1000 }    // 1 − 0.9 is 0.100000024
        return (Noise.Kind.allCases.map { "\($0.rawValue) \(rounded(shares[$0, default: 0]))" } + ["clean \(rounded(clean))"])
            .joined(separator: ", ")
    }

    /// One draw: nil for a clean input.
    public func draw(_ rng: inout SplitMix64) -> Noise? {
        var u = rng.uniform() - clean
        guard u >= 0 else { return nil }
        func level(_ range: ClosedRange<Float>) -> Float {
            range.lowerBound + rng.uniform() * (range.upperBound - range.lowerBound)
        }
        // The kinds in a fixed order, each taking its share of the unit interval after the clean one.
        let kind = Noise.Kind.allCases.first { kind in
            u -= shares[kind, default: 0]
            return u < 0
        } ?? Noise.Kind.allCases.last { shares[$0, default: 0] > 0 }!
        switch kind {
        case .gaussian: return .gaussian(sigma: level(sigma))
        case .masking: return .masking(fraction: level(masking))
        case .saltpepper: return .saltPepper(fraction: level(saltPepper))
        }
    }
}
