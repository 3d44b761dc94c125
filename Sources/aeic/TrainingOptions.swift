import ArgumentParser
import Foundation
import NN
import Training
import Serialization

/// The options every `aeic train` model shares: data, checkpoint, stop conditions, batch,
/// schedule and precision.
struct TrainingOptions: ParsableArguments {
    @Option(parsing: .upToNextOption, help: "Folders of training photos (PNG or JPEG).")
    var data: [String]
    @Option(help: "Checkpoint file to write (and to resume from with --resume).")
    var out: String
    @Flag(help: "Continue from the checkpoint in --out.") var resume = false
    @Option(name: .customLong("init"), help: ArgumentHelp(
        "Start a new run from this checkpoint's parameters where names and shapes match.", valueName: "checkpoint"))
    var initFrom: String?
    @Option(help: "Stop after this many steps in total.") var steps = 1_000_000
    @Option(help: "Stop after this many minutes.") var minutes: Double = .infinity
    @Option(help: "Images per batch.") var batch = 8
    @Option(help: "Crop size in pixels (a multiple of 16).") var crop = 128
    @Option(help: "Adam learning rate.") var lr: Float = 1e-4
    @Option(parsing: .upToNextOption, help: ArgumentHelp(
        "Learning-rate drops as STEP:RATE (e.g. 46000:3e-5): RATE from step STEP on.", valueName: "step:rate"))
    var lrDrop: [String] = []
    @Option(help: "Random seed.") var seed: UInt64 = 1
    @Option(parsing: .upToNextOption, help: ArgumentHelp(
        "Hold the parameters whose names start with these fixed (staged training; e.g. g_a g_s gain trains only the codec's entropy model).",
        valueName: "prefix"))
    var freeze: [String] = []
    @Option(help: "Threads for OpenBLAS.") var threads = 2
    @OptionGroup var precision: PrecisionOptions
    @Option(help: "Minutes between checkpoints.") var checkpointMinutes: Double = 5
    @Option(help: "Downscale JPEG photos by this factor to hide their artefacts.")
    var jpegScale: Double = 0.75

    func validate() throws {
        _ = try schedule()
        guard !(resume && initFrom != nil) else { throw ValidationError("--resume and --init exclude each other") }
        guard crop > 0, crop % 16 == 0, batch > 0 else {
            throw ValidationError("--crop must be a positive multiple of 16 and --batch positive")
        }
        guard jpegScale > 0 && jpegScale <= 1 else { throw ValidationError("--jpeg-scale must be in (0, 1]") }
    }

    /// --lr with the --lr-drop steps.
    func schedule() throws -> LearningRateSchedule {
        LearningRateSchedule(base: lr, drops: try lrDrop.map { text in
            let parts = text.split(separator: ":")
            guard parts.count == 2, let step = Int(parts[0]), step >= 0, let rate = Float(parts[1]), rate > 0 else {
                throw ValidationError("--lr-drop takes STEP:RATE, e.g. 46000:3e-5 (got '\(text)')")
            }
            return .init(step: step, rate: rate)
        })
    }

    /// The trainer's options from the command line.
    func trainerOptions<Model>(for _: Model.Type) throws -> Trainer<Model>.Options {
        var options = Trainer<Model>.Options()
        (options.batch, options.crop, options.seed, options.frozen) = (batch, crop, seed, freeze)
        options.schedule = try schedule()
        return options
    }

    /// The photos of --data, with OpenBLAS's threads set for training.
    func prepare() throws -> TrainingSet {
        BLASRuntime.threads = threads
        do {
            return try TrainingSet(folders: data, jpegScale: jpegScale, crop: crop) { warn("\($0): skipped (cannot decode)") }
        } catch { throw CLIError("\(error)") }
    }

    /// Runs `trainer` on `set` until a stop condition, writing checkpoints to --out.
    func run<Model>(_ trainer: Trainer<Model>, on set: TrainingSet) throws {
        for prefix in freeze where !trainer.model.parameters.contains(where: { $0.name.hasPrefix(prefix) }) {
            throw CLIError("--freeze \(prefix): no parameter's name starts with it")
        }
        if !freeze.isEmpty { warn("holding \(trainer.frozen.count) of \(trainer.model.parameters.count) parameters fixed") }
        trainer.model.configure(precision.compute)
        warn("\(set.count) photos, batch \(batch)×\(crop)², BLAS core \(BLASRuntime.coreName), GEMMs in \(precision.chosen)")
        var loop = TrainingLoop(log: { warn($0) }, save: { try FileIO.write($0.encoded(), to: out, force: true) })
        (loop.steps, loop.minutes, loop.checkpointMinutes) = (steps, minutes, checkpointMinutes)
        try loop.run(trainer, on: set)
    }
}

/// The parameter file at `path`; an unreadable or damaged one is an error naming it.
func readCheckpoint(_ path: String) throws -> ParameterFile {
    do { return try ParameterFile(decoding: try FileIO.read(path)) }
    catch { throw CLIError(path, error) }
}
