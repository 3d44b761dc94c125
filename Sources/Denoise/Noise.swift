import NN

/// The three corruption processes of Vincent et al. 2010 ("Stacked denoising autoencoders"),
/// on planar RGB in [0, 1], each with its level:
/// - `gaussian(sigma:)`: additive isotropic Gaussian noise, σ in 0–255 units;
/// - `masking(fraction:)`: that fraction of pixels set to 0 (every channel of a pixel);
/// - `saltPepper(fraction:)`: that fraction of pixels set to black or white, at random.
/// The result is rounded and clipped to the 8-bit levels, as a noisy file would hold it.
public enum Noise: Equatable, Sendable, CustomStringConvertible {
    case gaussian(sigma: Float)
    case masking(fraction: Float)
    case saltPepper(fraction: Float)

    /// The names `aeic noise --kind` and the evaluation's JSON use.
    public enum Kind: String, CaseIterable, Sendable {
        case gaussian, masking, saltpepper
    }

    /// `kind` at `level` (σ for Gaussian noise, a fraction of pixels otherwise), or a
    /// message saying which range the level must lie in.
    public init(_ kind: Kind, level: Float) throws {
        switch kind {
        case .gaussian:
            guard level >= 0 && level <= 255 else { throw NoiseError("σ must be within 0–255 (got \(level))") }
            self = .gaussian(sigma: level)
        case .masking, .saltpepper:
            guard level >= 0 && level <= 1 else { throw NoiseError("the fraction must be within 0–1 (got \(level))") }
            self = kind == .masking ? .masking(fraction: level) : .saltPepper(fraction: level)
        }
    }

    public var kind: Kind {
        switch self {
        case .gaussian: return .gaussian
        case .masking: return .masking
        case .saltPepper: return .saltpepper
        }
    }

    public var level: Float {
        switch self {
        case .gaussian(let sigma): return sigma
        case .masking(let fraction), .saltPepper(let fraction): return fraction
        }
    }

    public var description: String { "\(kind.rawValue) \(level)" }

    /// The impulse noise this is, if it is one.
    public var impulses: ImpulseNoise? {
        switch self {
        case .gaussian: return nil
        case .masking: return .masking
        case .saltPepper: return .saltPepper
        }
    }

    /// Corrupts `samples` (C planes of `pixels` values, C ≥ 1) in place, drawing from `rng`.
    public func apply(to samples: UnsafeMutableBufferPointer<Float>, pixels: Int, rng: inout SplitMix64) {
        let channels = samples.count / pixels
        switch self {
        case .gaussian(let sigma):
            for k in 0..<samples.count { samples[k] += sigma / 255 * rng.normal() }
        case .masking(let fraction):
            for p in 0..<pixels where rng.uniform() < fraction {
                for c in 0..<channels { samples[c * pixels + p] = 0 }
            }
        case .saltPepper(let fraction):
            for p in 0..<pixels where rng.uniform() < fraction {
                let value: Float = rng.next() & 1 == 0 ? 0 : 1
                for c in 0..<channels { samples[c * pixels + p] = value }
            }
        }
        for k in 0..<samples.count { samples[k] = (min(max(samples[k], 0), 1) * 255).rounded() / 255 }
    }

    /// `image` (N, C, H, W) with every image corrupted.
    public func applied(to image: Tensor, rng: inout SplitMix64) -> Tensor {
        var out = image
        out.data.withUnsafeMutableBufferPointer { apply(to: $0, pixels: image.planeSize, rng: &rng) }
        return out
    }
}

/// A noise level out of its range, in words for the user.
public struct NoiseError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
