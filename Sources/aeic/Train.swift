import ArgumentParser
import Codec
import Foundation
import Images
import NN

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model, or export a checkpoint as a model file.",
        subcommands: [TrainCodec.self, ExportModel.self])
}

/// `aeic train codec`: rate–distortion training with checkpoints and resume.
struct TrainCodec: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "codec", abstract: "Train the compression model (R + λ·MSE) on photos.")

    @Option(parsing: .upToNextOption, help: "Folders of training photos (PNG or JPEG).")
    var data: [String]
    @Option(help: "Checkpoint file to write (and to resume from with --resume).")
    var out: String
    @Flag(help: "Continue from the checkpoint in --out.") var resume = false
    @Option(name: .customLong("init"), help: ArgumentHelp(
        "Start a new run from this checkpoint's parameters where names and shapes match (e.g. a hyperprior model from a factorized one).",
        valueName: "checkpoint"))
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
    @Option(help: "Threads for OpenBLAS.") var threads = 2
    @OptionGroup var precision: PrecisionOptions
    @OptionGroup var architecture: ArchitectureOptions
    @Option(parsing: .upToNextOption,
            help: "Rate–distortion trade-offs λ, lowest rate first (default: the checkpoint's, or \(Architecture.defaultLambdas.map { "\($0)" }.joined(separator: " "))). Resuming with others resamples the trained gains.")
    var lambdas: [Float] = []
    @Option(help: "Minutes between checkpoints.") var checkpointMinutes: Double = 5
    @Option(help: "Downscale JPEG photos by this factor to hide their artefacts.")
    var jpegScale: Double = 0.75

    func validate() throws {
        _ = try schedule()
        guard !(resume && initFrom != nil) else { throw ValidationError("--resume and --init exclude each other") }
        guard crop > 0, crop % 16 == 0, batch > 0 else {
            throw ValidationError("--crop must be a positive multiple of 16 and --batch positive")
        }
        guard lambdas.isEmpty || (lambdas.count >= 2 && lambdas.allSatisfy({ $0 > 0 })
                                  && zip(lambdas, lambdas.dropFirst()).allSatisfy({ $0 < $1 })) else {
            throw ValidationError("--lambdas needs two or more positive values in ascending order")
        }
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

    func run() throws {
        BLASRuntime.threads = threads
        precision.apply()
        let set = try loadPhotos()
        var options = Trainer.Options()
        (options.batch, options.crop, options.seed) = (batch, crop, seed)
        options.schedule = try schedule()
        if !lambdas.isEmpty { options.lambdas = lambdas }
        let trainer: Trainer
        if resume {
            let file = try readCheckpoint(out)
            trainer = try Trainer(resuming: file, options: options)
            warn("resuming at step \(trainer.step)")
        } else {
            var architecture = self.architecture.architecture(lambdas: options.lambdas ?? Architecture.defaultLambdas)
            if let initFrom {
                let file = try readCheckpoint(initFrom)
                if options.lambdas == nil, let trained = try? Architecture(json: file.architecture) {
                    architecture.lambdas = trained.lambdas
                }
                let (started, loaded) = try Trainer.warmStart(from: file, architecture: architecture, options: options)
                trainer = started
                warn("\(loaded.count) of \(trainer.model.parameters.count) parameters from \(initFrom)")
            } else {
                trainer = Trainer(model: CompressionModel(architecture, seed: seed), options: options)
            }
        }
        warn("\(set.count) photos, batch \(batch)×\(crop)², λ \(trainer.model.architecture.lambdas), BLAS core \(BLASRuntime.coreName), GEMMs in \(precision.precision)")
        let start = Date(), firstStep = trainer.step
        var lastSave = Date()
        var window: [StepStats] = []
        let interrupt = Interrupt()
        while trainer.step < steps && Date().timeIntervalSince(start) < minutes * 60 && !interrupt.received {
            window.append(trainer.trainOneStep(on: set))
            if window.count == 20 || trainer.step % 20 == 0 {
                report(trainer.step, window, rate: trainer.options.schedule.rate(atStep: trainer.step),
                       imagesPerSecond: Double(batch * (trainer.step - firstStep)) / max(1, Date().timeIntervalSince(start)))
                window.removeAll()
            }
            if Date().timeIntervalSince(lastSave) > checkpointMinutes * 60 {
                try save(trainer)
                lastSave = Date()
            }
        }
        try save(trainer)
    }

    func save(_ trainer: Trainer) throws {
        try FileIO.write(trainer.checkpoint().encoded(), to: out, force: true)
        warn("step \(trainer.step): checkpoint written to \(out)")
    }

    func report(_ step: Int, _ window: [StepStats], rate: Float, imagesPerSecond: Double) {
        guard !window.isEmpty else { return }
        let k = Double(window.count)
        let loss = window.reduce(0) { $0 + $1.loss } / k
        let bpp = window.reduce(0) { $0 + $1.bpp } / k
        let psnr = window.reduce(0) { $0 + $1.psnr } / k
        warn(String(format: "step %d  loss %.4f  bpp %.3f  psnr %.2f dB  lr %.1e  %.2f img/s",
                    step, loss, bpp, psnr, rate, imagesPerSecond))
    }

    /// Every PNG and JPEG under the folders; JPEGs are downscaled to hide their artefacts.
    func loadPhotos() throws -> TrainingSet {
        var set = TrainingSet()
        for folder in data {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
            for name in names where ImageFormat(pathExtension: name) != nil {
                let path = folder + "/" + name
                let bytes = try FileIO.read(path)
                guard var image = try? ImageFile.decode(bytes).rgb() else {
                    warn("\(path): skipped (cannot decode)")
                    continue
                }
                if ImageFormat(sniffing: Array(bytes.prefix(4))) == .jpeg && jpegScale < 1 {
                    image = image.resized(width: Int(Double(image.width) * jpegScale),
                                          height: Int(Double(image.height) * jpegScale))
                }
                set.append(.init(width: image.width, height: image.height, samples: image.samples))
            }
        }
        guard set.count > 0 else { throw CLIError("no PNG or JPEG photos in \(data.joined(separator: ", "))") }
        guard set.photos.contains(where: { $0.width >= crop && $0.height >= crop }) else {
            throw CLIError("no training photo is at least \(crop)×\(crop) pixels (--crop)")
        }
        return set
    }
}

/// `aeic train export CHECKPOINT -o MODEL`: a compact model file (Float16 transforms, integer
/// CDF tables) from a training checkpoint.
struct ExportModel: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export a training checkpoint as a model file.")

    @Argument(help: "Checkpoint written by 'aeic train codec'.") var checkpoint: String
    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let file = try readCheckpoint(checkpoint)
        let trainer: Trainer
        do { trainer = try Trainer(resuming: file, options: Trainer.Options()) }
        catch { throw CLIError(checkpoint, error) }
        let bytes = ImageCodec.export(trainer.model)
        try FileIO.write(bytes, to: outputOptions.output, force: outputOptions.force)
        warn("step \(trainer.step): \(bytes.count) bytes written to \(outputOptions.output)")
    }
}

/// The parameter file at `path`; an unreadable or damaged one is an error naming it.
func readCheckpoint(_ path: String) throws -> ParameterFile {
    do { return try ParameterFile(decoding: try FileIO.read(path)) }
    catch { throw CLIError(path, error) }
}

/// Remembers SIGINT and SIGTERM instead of dying on them, so that training stops after the
/// step in flight and writes its checkpoint (as Ctrl-C or `kill` would otherwise lose it).
final class Interrupt: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    private let sources: [DispatchSourceSignal]

    init() {
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            sources.append(DispatchSource.makeSignalSource(signal: number, queue: .global()))
        }
        self.sources = sources
        for source in sources {
            source.setEventHandler { [unowned self] in
                lock.withLock { flag = true }
                warn("interrupted: stopping after this step")
            }
            source.resume()
        }
    }

    var received: Bool { lock.withLock { flag } }
}
