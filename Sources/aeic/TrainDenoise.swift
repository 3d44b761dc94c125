import ArgumentParser
import Denoise
import NN
import Training

/// `aeic train denoise`: the blind denoiser, on crops corrupted by the noise mixture.
struct TrainDenoise: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "denoise",
        abstract: "Train the denoiser (MSE to the clean crop) on photos corrupted by Gaussian, masking and salt-and-pepper noise.")

    @OptionGroup var training: TrainingOptions
    @Option(parsing: .upToNextOption, help: "Channels at each scale of the U-Net, full resolution first.")
    var channels: [Int] = DenoiserArchitecture().channels
    @Option(help: "Residual blocks at each scale below the first, on each side of the U.")
    var blocks = DenoiserArchitecture().blocks
    @Option(help: "Residual blocks at full resolution, before the tail.")
    var fullResolutionBlocks = 0
    @Flag(help: "Let the head also read which pixels are black or white in every channel (where impulse noise may be).")
    var impulseHint = false
    @Flag(help: "With --impulse-hint: let the head also read which of those pixels are white under salt-and-pepper noise (salt, not a clipped highlight).")
    var whiteHint = false
    @Option(parsing: .upToNextOption, help: ArgumentHelp(
        "Shares of the noises as KIND=SHARE (gaussian, masking, saltpepper); kinds left out get none, the rest of 1 stays clean. Default: 0.3 each, 0.1 clean.",
        valueName: "kind=share"))
    var mixture: [String] = []

    func validate() throws {
        guard architecture.isValid else {
            throw ValidationError("--channels takes 2–6 counts of 1–1024, --blocks and --full-resolution-blocks 0–16; --white-hint needs --impulse-hint")
        }
        guard training.crop % architecture.granularity == 0 else {
            throw ValidationError("--crop must be a multiple of \(architecture.granularity)")
        }
        _ = try noiseMixture()
    }

    var architecture: DenoiserArchitecture {
        DenoiserArchitecture(channels: channels, blocks: blocks, fullResolutionBlocks: fullResolutionBlocks,
                             impulseHint: impulseHint, whiteHint: whiteHint)
    }

    /// The mixture of --mixture, or the default one.
    func noiseMixture() throws -> NoiseMixture {
        guard !mixture.isEmpty else { return NoiseMixture() }
        var shares: [Noise.Kind: Float] = [:]
        for text in mixture {
            let parts = text.split(separator: "=")
            guard parts.count == 2, let kind = Noise.Kind(rawValue: String(parts[0])), shares[kind] == nil,
                  let share = Float(parts[1]) else {
                throw ValidationError("--mixture takes KIND=SHARE, each kind once, with gaussian, masking or saltpepper (got '\(text)')")
            }
            shares[kind] = share
        }
        guard let mixture = NoiseMixture(shares: shares) else {
            throw ValidationError("--mixture: each share must be in 0–1 and together at most 1")
        }
        return mixture
    }

    func run() throws {
        let set = try training.prepare()
        let options = try training.trainerOptions(for: Denoiser.self)
        let trainer: Trainer<Denoiser>
        if training.resume {
            let file = try readCheckpoint(training.out)
            do {
                trainer = Trainer(model: try Denoiser(file: file), options: options)
                try trainer.restoreState(from: file)
            } catch { throw CLIError(training.out, error) }
            warn("resuming at step \(trainer.step)")
        } else {
            trainer = Trainer(model: Denoiser(architecture, seed: training.seed), options: options)
            if let initFrom = training.initFrom {
                do {
                    let loaded = try trainer.warmStart(from: try readCheckpoint(initFrom))
                    warn("\(loaded.count) of \(trainer.model.parameters.count) parameters from \(initFrom)")
                } catch let error as CLIError { throw error } catch { throw CLIError(initFrom, error) }
            }
        }
        trainer.model.mixture = try noiseMixture()
        warn("noise mixture: \(trainer.model.mixture)")
        warn("denoiser \(trainer.model.architecture.json), \(trainer.model.parameters.reduce(0) { $0 + $1.count }) parameters")
        try training.run(trainer, on: set)
    }
}
