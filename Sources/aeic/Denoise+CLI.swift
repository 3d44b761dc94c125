import ArgumentParser
import Denoise
import Foundation
import Images
import NN
import Serialization

/// `--model FILE` for the denoiser, or the pair shipped with aeic.
struct DenoiserOptions: ParsableArguments {
    @Option(help: "Denoiser model file, for every photo (default: the two shipped with aeic, one for impulse noise and one for the rest, picked by the noise found).")
    var model: String?
    @OptionGroup var computeOptions: ComputeOptions

    /// The denoisers (the shipped pair, or the model file for every photo), computing in the
    /// fastest precision this CPU has unless told (`fastest`: for a photo, which need not be
    /// the same on every CPU) or in float32 (for measurements).
    func load(fastest: Bool) throws -> BlindDenoiser {
        let bytes = try model.map(FileIO.read)
        let denoiser: BlindDenoiser?
        do { denoiser = try bytes.map { BlindDenoiser(try Denoiser(file: ParameterFile(decoding: $0))) } ?? BlindDenoiser.shipped() }
        catch { throw CLIError(model ?? "default denoiser", error) }
        guard let denoiser else { throw CLIError("no default denoiser is installed; pass --model FILE") }
        denoiser.configure(computeOptions.apply(fastest: fastest))
        return denoiser
    }
}

/// `--refine N` and `--ensemble`: the work `Denoiser.restore` spends beyond one pass.
struct EffortOptions: ParsableArguments {
    @Option(help: "Further passes over the pixels masking or salt-and-pepper noise may have set: better (most from the first two), slower (each pass takes as long again).")
    var refine = 0
    @Flag(help: "Average the network over the photo's 8 flips and rotations (a geometric self-ensemble): better, 8 times slower.")
    var ensemble = false

    func validate() throws {
        guard (0...8).contains(refine) else { throw ValidationError("--refine must be within 0–8 (got \(refine))") }
    }

    var effort: Denoiser.Effort { Denoiser.Effort(refinements: refine, selfEnsemble: ensemble) }
}

extension Noise.Kind: ExpressibleByArgument {}

/// `aeic noise IN -o OUT --kind K --level L`: test images for the denoiser.
struct AddNoise: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "noise", abstract: "Corrupt a photo with Gaussian, masking or salt-and-pepper noise (test images).")

    @Argument(help: "Input PNG or JPEG, or - for stdin.") var input: String
    @OptionGroup var imageOutput: ImageOutputOptions
    @Option(help: "gaussian, masking or saltpepper.") var kind: Noise.Kind
    @Option(help: "σ in 0–255 for gaussian; the fraction of pixels (0–1) for masking and saltpepper.")
    var level: Float
    @Option(help: "Random seed: the same seed gives the same noise.") var seed: UInt64 = 1
    @OptionGroup var inputOptions: InputOptions

    func validate() throws {
        try imageOutput.validate(inputs: [input])
        guard imageOutput.destination.output != nil else { throw ValidationError("noise writes one file: use -o") }
        do { _ = try Noise(kind, level: level) } catch { throw ValidationError("--level: \(error)") }
    }

    func run() throws {
        var image = try inputOptions.readImage(input)
        var rng = SplitMix64(seed: seed)
        let (noise, pixels) = (try! Noise(kind, level: level), image.pixelCount)
        image.samples.withUnsafeMutableBufferPointer { noise.apply(to: $0, pixels: pixels, rng: &rng) }
        let destination = imageOutput.destination
        _ = try imageOutput.write(image, to: destination.output!, force: destination.force)
    }
}

/// `aeic denoise IN -o OUT`, or `aeic denoise IN... -d FOLDER`: the blind denoiser on photos
/// of any size.
struct DenoiseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise", abstract: "Remove Gaussian, masking or salt-and-pepper noise from photos (blind).")

    @Argument(help: "Input PNG or JPEG files or folders, or - for stdin.") var inputs: [String]
    @OptionGroup var imageOutput: ImageOutputOptions
    @Option(help: "What corrupted the photo, if known: auto, gaussian, masking or saltpepper. With masking (black pixels) or saltpepper (black and white ones), found or named, the other pixels are kept as they are when the photo shows no other noise.")
    var noise: NoiseHint = .auto
    @OptionGroup var effortOptions: EffortOptions
    @OptionGroup var denoiser: DenoiserOptions
    @OptionGroup var inputOptions: InputOptions
    @Flag(name: .shortAndLong, help: "Print size, estimated noise and time.") var verbose = false

    func validate() throws {
        try imageOutput.validate(inputs: inputs)
    }

    func run() throws {
        let model = try denoiser.load(fastest: true)
        try imageOutput.destination.run(inputs, accepts: { ImageFormat(pathExtension: $0) != nil }, outputExtension: {
            [imageOutput] in imageOutput.outputExtension(fallback: ImageFormat(pathExtension: $0.path) ?? .png)
        }) { try denoise($0, to: $1, force: $2, model) }
    }

    func denoise(_ input: String, to output: String, force: Bool, _ model: BlindDenoiser) throws -> Batch.Outcome {
        let image = try inputOptions.readImage(input)
        let start = Date()
        let noisy = Tensor(n: 1, c: 3, h: image.height, w: image.width, data: image.rgb().samples)
        let clean = model.restore(noisy, impulses: noise.impulses(in: noisy), effort: effortOptions.effort)
        let seconds = Date().timeIntervalSince(start)
        let written = try imageOutput.write(image.replacingColour(with: clean.data), to: output, force: force)
        if verbose {
            let sigma = NoiseLevel.sigma(noisy).map { String(format: "%.1f", $0) } ?? "unknown"
            warn(String(format: "%@: %dx%d, noise σ about %@, %.2f s", output, image.width, image.height, sigma, seconds))
        }
        return Batch.Outcome(inputBytes: input == "-" ? 0 : FileIO.size(input), outputBytes: written)
    }
}

/// `--noise`: a hint that is never required.
enum NoiseHint: String, ExpressibleByArgument, CaseIterable {
    case auto, gaussian, masking, saltpepper

    /// The impulse noise named, or found in `x`.
    func impulses(in x: Tensor) -> ImpulseNoise? {
        switch self {
        case .auto: return ImpulseNoise.detect(x)
        case .gaussian: return nil
        case .masking: return .masking
        case .saltpepper: return .saltPepper
        }
    }
}
