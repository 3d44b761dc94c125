import ArgumentParser
import Codec
import Denoise
import Foundation
import NN
import Serialization
import Training

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model, or export a checkpoint as a model file.",
        subcommands: [TrainCodec.self, TrainDenoise.self, ExportModel.self, AverageCheckpoints.self])
}

/// `aeic train codec`: rate–distortion training with checkpoints and resume.
struct TrainCodec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codec", abstract: "Train the compression model (R + λ·MSE) on photos.")

    @OptionGroup var training: TrainingOptions
    @OptionGroup var architecture: ArchitectureOptions
    @Option(parsing: .upToNextOption,
            help: "Rate–distortion trade-offs λ, lowest rate first (default: the checkpoint's, or \(Architecture.defaultLambdas.map { "\($0)" }.joined(separator: " "))). Resuming with others resamples the trained gains.")
    var lambdas: [Float] = []

    func validate() throws {
        guard lambdas.isEmpty || (lambdas.count >= 2 && lambdas.allSatisfy({ $0 > 0 })
                                  && zip(lambdas, lambdas.dropFirst()).allSatisfy({ $0 < $1 })) else {
            throw ValidationError("--lambdas needs two or more positive values in ascending order")
        }
    }

    func run() throws {
        let set = try training.prepare()
        let options = try training.trainerOptions(for: CompressionModel.self)
        let chosen = lambdas.isEmpty ? nil : lambdas
        let trainer: Trainer<CompressionModel>
        if training.resume {
            do { trainer = try Trainer(resuming: try readCheckpoint(training.out), lambdas: chosen, options: options) }
            catch let error as CLIError { throw error }
            catch { throw CLIError(training.out, error) }
            warn("resuming at step \(trainer.step)")
        } else {
            var architecture = self.architecture.architecture(lambdas: chosen ?? Architecture.defaultLambdas)
            let file = try training.initFrom.map(readCheckpoint)
            if chosen == nil, let file, let trained = try? Architecture(json: file.architecture) {
                architecture.lambdas = trained.lambdas
            }
            trainer = Trainer(model: CompressionModel(architecture, seed: training.seed), options: options)
            if let file, let initFrom = training.initFrom {
                do {
                    let loaded = try trainer.warmStart(from: file)
                    warn("\(loaded.count) of \(trainer.model.parameters.count) parameters from \(initFrom)")
                } catch { throw CLIError(initFrom, error) }
            }
        }
        warn("λ \(trainer.model.architecture.lambdas)")
        try training.run(trainer, on: set)
    }
}

/// `aeic train export CHECKPOINT -o MODEL`: a compact model file (Float16 transforms, integer
/// CDF tables) from a training checkpoint.
struct ExportModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export a training checkpoint as a model file (or as a slim checkpoint).")

    @Argument(help: "Checkpoint written by 'aeic train codec' or 'aeic train denoise'.") var checkpoint: String
    @OptionGroup var outputOptions: OutputOptions
    @Flag(help: "Write a slim checkpoint instead (Float16 parameters and the step, no optimiser moments), which --init and --resume take.")
    var slim = false
    @Option(parsing: .upToNextOption,
            help: "Zero the parameters whose names start with these before exporting, to measure what a part buys (fusion.2: the checkerboard context's corrections; h_s.mean: the means).")
    var zero: [String] = []

    func run() throws {
        var file = try readCheckpoint(checkpoint)
        for prefix in zero {
            let parts = file.tensors.indices.filter { file.tensors[$0].name.hasPrefix(prefix) }
            guard !parts.isEmpty else { throw CLIError("\(checkpoint): no parameter's name starts with \(prefix)") }
            for i in parts { file.tensors[i].values = [Float](repeating: 0, count: file.tensors[i].values.count) }
        }
        let bytes: [UInt8]
        do { bytes = try exported(file) } catch { throw CLIError(checkpoint, error) }
        try FileIO.write(bytes, to: outputOptions.output, force: outputOptions.force)
        warn("\(bytes.count) bytes written to \(outputOptions.output)")
    }

    func exported(_ file: ParameterFile) throws -> [UInt8] {
        if slim { return file.slim.encoded(precision: .float16) }
        return file.kind == DenoiserArchitecture.kind ? try Denoiser(file: file).export()
            : ImageCodec.export(try CompressionModel.resuming(file).model)
    }
}

/// `aeic train average CHECKPOINT... -o OUT`: the mean of one run's checkpoints, parameter by
/// parameter, as a slim checkpoint that `export`, `--init` and `--resume` take.
struct AverageCheckpoints: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "average",
        abstract: "Average checkpoints of one run (from its last, low learning rate phase) into a slim checkpoint.")

    @Argument(help: "Checkpoints of the same architecture.") var checkpoints: [String]
    @OptionGroup var outputOptions: OutputOptions

    func validate() throws {
        guard checkpoints.count >= 2 else { throw ValidationError("give two or more checkpoints") }
    }

    func run() throws {
        let files = try checkpoints.map { try readCheckpoint($0) }
        let mean: ParameterFile
        do { mean = try ParameterFile.average(files) } catch { throw CLIError(checkpoints.joined(separator: ", "), error) }
        let bytes = mean.encoded()
        try FileIO.write(bytes, to: outputOptions.output, force: outputOptions.force)
        warn("the mean of \(files.count) checkpoints: \(bytes.count) bytes written to \(outputOptions.output)")
    }
}
