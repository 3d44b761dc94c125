import Foundation
import NN

/// Rate–distortion training of a `CompressionModel` with Adam, resumable from checkpoints
/// that hold the parameters, the optimiser's moments and the step.
public final class Trainer {
    public struct Options: Sendable {
        public var batch = 8
        public var crop = 128
        public var schedule = LearningRateSchedule(base: 1e-4)
        public var clipNorm: Float = 1
        public var seed: UInt64 = 1
        /// When resuming, train for these trade-offs instead of the checkpoint's (gains resampled).
        public var lambdas: [Float]?
        public init() {}
    }

    public let model: CompressionModel
    public let options: Options
    let adam: Adam
    public var step: Int { adam.step }

    public init(model: CompressionModel, options: Options) {
        self.model = model
        self.options = options
        adam = Adam(model.parameters, learningRate: options.schedule.base, clipNorm: options.clipNorm)
    }

    /// Resumes from a checkpoint written by `checkpoint()`. With `options.lambdas` unlike the
    /// checkpoint's, the gains are resampled to the new levels and their Adam moments restart.
    public convenience init(resuming file: ParameterFile, options: Options) throws {
        let trained = try Architecture(json: file.architecture)
        var architecture = trained
        if let lambdas = options.lambdas { architecture.lambdas = lambdas }
        self.init(model: CompressionModel(architecture), options: options)
        let relevel = architecture.lambdas != trained.lambdas
        if relevel {
            let old = model.levelGains.map { Gains(levels: trained.levels, channels: $0.channels, name: $0.name) }
            try file.load(into: model.sharedParameters + old.flatMap(\.parameters))
            for (trainedGains, target) in zip(old, model.levelGains) {
                let new = Gains(resampling: trainedGains, from: trained.lambdas, to: architecture.lambdas)
                (target.gain.value, target.inverse.value) = (new.gain.value, new.inverse.value)
            }
        } else {
            try file.load(into: model.parameters)
        }
        guard let state = file.blobs["train.step"], state.count == 8 else {
            throw ParameterFileError.malformed("checkpoint lacks its training state")
        }
        var reader = ByteReader(state)
        let step = Int(try reader.u64())
        let shared = model.sharedParameters
        func moments(_ kind: String) throws -> [[Float]] {
            try model.parameters.map { p in
                if relevel && !shared.contains(where: { $0 === p }) {
                    return [Float](repeating: 0, count: p.count)
                }
                guard let t = file.tensor("adam.\(kind).\(p.name)"), t.values.count == p.count else {
                    throw ParameterFileError.missingTensor("adam.\(kind).\(p.name)")
                }
                return t.values
            }
        }
        adam.restore(step: step, m: try moments("m"), v: try moments("v"))
    }

    /// A fresh run of `architecture` whose parameters start from those of another run's
    /// checkpoint wherever names and shapes match (e.g. a hyperprior model from a trained
    /// factorized model's transforms and gains); the rest keep their initialisation.
    /// Returns the names of the parameters taken from `file`.
    public static func warmStart(from file: ParameterFile, architecture: Architecture,
                                 options: Options) throws -> (trainer: Trainer, loaded: [String]) {
        let trainer = Trainer(model: CompressionModel(architecture, seed: options.seed), options: options)
        let matching = trainer.model.parameters.filter { file.tensor($0.name)?.shape == $0.shape }
        guard !matching.isEmpty else {
            throw ParameterFileError.malformed("no parameter of this architecture to start from")
        }
        try file.load(into: matching)
        return (trainer, matching.map(\.name))
    }

    /// Parameters, Adam moments and the step, at full precision.
    public func checkpoint() -> ParameterFile {
        let state = adam.state
        var tensors = ParameterFile.entries(model.parameters)
        for (index, p) in model.parameters.enumerated() {
            tensors.append(.init(name: "adam.m.\(p.name)", shape: p.shape, values: state.m[index]))
            tensors.append(.init(name: "adam.v.\(p.name)", shape: p.shape, values: state.v[index]))
        }
        var w = ByteWriter()
        w.u64(UInt64(state.step))
        return ParameterFile(architecture: model.architecture.json, tensors: tensors,
                             blobs: ["train.step": w.bytes])
    }

    /// One optimisation step on a fresh batch. The random stream depends only on the seed
    /// and the step, so a resumed run draws the batches the uninterrupted run would have.
    public func trainOneStep(on data: TrainingSet) -> StepStats {
        var rng = SplitMix64(seed: options.seed &* 0x9E37_79B9 &+ UInt64(adam.step))
        let x = data.batch(size: options.batch, crop: options.crop, rng: &rng)
        let levels = (0..<options.batch).map { _ in Int(rng.next() % UInt64(model.architecture.levels)) }
        adam.zeroGrad()
        let stats = model.trainStep(x, levels: levels, rng: &rng)
        adam.learningRate = options.schedule.rate(atStep: adam.step)
        adam.update()
        return stats
    }
}
