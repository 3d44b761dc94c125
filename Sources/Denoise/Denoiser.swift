import Foundation
import NN
import Training
import Serialization

/// The blind denoiser: a `UNet` trained on a `NoiseMixture` to give back the clean image.
public final class Denoiser: ParameterOwner {
    public let architecture: DenoiserArchitecture
    public let network: UNet
    /// What training corrupts its crops with.
    public var mixture = NoiseMixture()

    public init(_ architecture: DenoiserArchitecture, seed: UInt64 = 1) {
        precondition(architecture.isValid, "invalid denoiser architecture")
        self.architecture = architecture
        var rng = SplitMix64(seed: seed)
        network = UNet(architecture, rng: &rng)
    }

    public var parameters: [Parameter] { network.parameters }

    /// Sets how every layer computes.
    public func configure(_ compute: Compute) { network.configure(compute) }

    /// The denoiser of a model file or checkpoint; a file of another kind is refused by name.
    public convenience init(file: ParameterFile) throws {
        guard file.kind == DenoiserArchitecture.kind else {
            throw ParameterFileError.architectureMismatch(expected: "a denoiser (\(DenoiserArchitecture.kind))",
                                                          found: file.kind ?? "an unknown kind")
        }
        let architecture: DenoiserArchitecture
        do { architecture = try DenoiserArchitecture(json: file.architecture) }
        catch { throw ParameterFileError.malformed("architecture description") }
        guard architecture.isValid, file.slim.valueCount == architecture.parameterCount else {
            throw ParameterFileError.architectureMismatch(expected: "a denoiser of valid size", found: file.architecture)
        }
        self.init(architecture)
        try file.load(into: parameters)
    }

    /// The model file: the parameters in Float16.
    public func export() -> [UInt8] {
        ParameterFile(architecture: architecture.json, tensors: ParameterFile.entries(parameters))
            .encoded(precision: .float16)
    }
}

extension Denoiser: Trainable {
    public var architectureDescription: String { architecture.json }

    /// MSE between the network's output for a corrupted copy of `x` and `x` itself, each image
    /// corrupted by its own draw from the mixture and hinted with that draw's impulse noise
    /// (as `restore` hints with the noise it finds).
    public func trainStep(_ x: Tensor, rng: inout SplitMix64) -> StepReport {
        var noisy = x
        var impulses: [ImpulseNoise?] = []
        noisy.data.withUnsafeMutableBufferPointer { samples in
            for i in 0..<x.n {
                let noise = mixture.draw(&rng)
                impulses.append(noise?.impulses)
                let image = UnsafeMutableBufferPointer(rebasing: samples[(i * x.imageSize)..<((i + 1) * x.imageSize)])
                noise?.apply(to: image, pixels: x.planeSize, rng: &rng)
            }
        }
        let (mse, gradient) = mseLoss(network.forward(network.input(noisy, impulses: impulses)), x)
        _ = network.backward(gradient)
        return StepReport(loss: mse, figures: [.init("psnr", 10 * log10(1 / max(mse, 1e-12)), format: "%.2f dB")])
    }
}
