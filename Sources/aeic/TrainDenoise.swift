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

    func validate() throws {
        guard DenoiserArchitecture(channels: channels, blocks: blocks).isValid else {
            throw ValidationError("--channels takes 2–6 counts of 1–1024, --blocks 0–16")
        }
        guard training.crop % DenoiserArchitecture(channels: channels).granularity == 0 else {
            throw ValidationError("--crop must be a multiple of \(DenoiserArchitecture(channels: channels).granularity)")
        }
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
            let architecture = DenoiserArchitecture(channels: channels, blocks: blocks)
            trainer = Trainer(model: Denoiser(architecture, seed: training.seed), options: options)
            if let initFrom = training.initFrom {
                do {
                    let loaded = try trainer.warmStart(from: try readCheckpoint(initFrom))
                    warn("\(loaded.count) of \(trainer.model.parameters.count) parameters from \(initFrom)")
                } catch let error as CLIError { throw error } catch { throw CLIError(initFrom, error) }
            }
        }
        warn("denoiser \(trainer.model.architecture.json), \(trainer.model.parameters.reduce(0) { $0 + $1.count }) parameters")
        try training.run(trainer, on: set)
    }
}
