import NN
import Serialization

/// What `aeic denoise` runs: two denoisers of one architecture, picked by the noise the photo
/// shows. Impulse noise (masking or salt-and-pepper, found by `ImpulseNoise.detect` or named)
/// goes to the network trained on the whole blind mixture; every other photo (Gaussian noise
/// or none) goes to one fine-tuned from it on Gaussian noise and clean crops alone, whose
/// capacity is not shared with filling in missing pixels. The choice reads the photo alone,
/// so the pair stays blind, and a photo runs through one network, so it costs what one does.
public struct BlindDenoiser {
    /// For photos with impulse noise.
    public let impulse: Denoiser
    /// For every other photo.
    public let gaussian: Denoiser

    public init(impulse: Denoiser, gaussian: Denoiser) { (self.impulse, self.gaussian) = (impulse, gaussian) }

    /// One network for every photo (a model file of one's own).
    public init(_ denoiser: Denoiser) { self.init(impulse: denoiser, gaussian: denoiser) }

    /// The pair shipped inside the package, or nil if it is not installed.
    public static func shipped() throws -> BlindDenoiser? {
        guard let impulse = Denoiser.shippedModelBytes(Denoiser.impulseModel),
              let gaussian = Denoiser.shippedModelBytes(Denoiser.gaussianModel) else { return nil }
        return BlindDenoiser(impulse: try Denoiser(file: ParameterFile(decoding: impulse)),
                             gaussian: try Denoiser(file: ParameterFile(decoding: gaussian)))
    }

    /// Sets how both networks compute.
    public func configure(_ compute: Compute) {
        impulse.configure(compute)
        if gaussian !== impulse { gaussian.configure(compute) }
    }

    /// The network for a photo carrying `impulses` (nil: none found or named).
    public func network(for impulses: ImpulseNoise?) -> Denoiser { impulses == nil ? gaussian : impulse }

    /// `Denoiser.restore` with the network for `impulses`.
    public func restore(_ x: Tensor, impulses: ImpulseNoise?, effort: Denoiser.Effort = .init()) -> Tensor {
        network(for: impulses).restore(x, impulses: impulses, effort: effort)
    }

    /// `x` restored blind: with the impulse noise `ImpulseNoise.detect` finds in it, if any.
    public func restore(_ x: Tensor, effort: Denoiser.Effort = .init()) -> Tensor {
        restore(x, impulses: ImpulseNoise.detect(x), effort: effort)
    }
}
