import NN
import Serialization

/// Adam on any `Trainable` model, resumable from checkpoints that hold the parameters, the
/// optimiser's moments and the step.
public final class Trainer<Model: Trainable> {
    public struct Options: Sendable {
        public var batch = 8
        public var crop = 128
        public var schedule = LearningRateSchedule(base: 1e-4)
        public var clipNorm: Float = 1
        public var seed: UInt64 = 1
        /// Name prefixes of the parameters to hold fixed (e.g. the transforms, to train only
        /// a codec's entropy model).
        public var frozen: [String] = []
        public init() {}
    }

    public let model: Model
    public let options: Options
    let adam: Adam
    public var step: Int { adam.step }

    public init(model: Model, options: Options) {
        self.model = model
        self.options = options
        adam = Adam(model.parameters, learningRate: options.schedule.base, clipNorm: options.clipNorm)
        adam.frozen = Set(frozen.map(ObjectIdentifier.init))
    }

    /// The parameters `options.frozen` names.
    public var frozen: [Parameter] {
        model.parameters.filter { p in options.frozen.contains { p.name.hasPrefix($0) } }
    }

    /// One optimisation step on a fresh batch. The random stream depends only on the seed
    /// and the step, so a resumed run draws the batches the uninterrupted run would have.
    public func trainOneStep(on data: TrainingSet) -> StepReport {
        var rng = SplitMix64(seed: options.seed &* 0x9E37_79B9 &+ UInt64(adam.step))
        let x = data.batch(size: options.batch, crop: options.crop, rng: &rng)
        adam.zeroGrad()
        let report = model.trainStep(x, rng: &rng)
        adam.learningRate = options.schedule.rate(atStep: adam.step)
        adam.update()
        return report
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
        return ParameterFile(architecture: model.architectureDescription, tensors: tensors,
                             blobs: ["train.step": w.bytes])
    }

    /// Takes the step and Adam's moments from a checkpoint written by `checkpoint()` (the
    /// parameters themselves are the model's business); the moments of `restarting` start
    /// again from zero, and so do all of them from a slim checkpoint, which has none.
    public func restoreState(from file: ParameterFile, restarting: [Parameter] = []) throws {
        let slim = !file.tensors.contains { $0.name.hasPrefix("adam.") }
        guard let state = file.blobs["train.step"], state.count == 8 else {
            throw ParameterFileError.malformed("checkpoint lacks its training state")
        }
        var reader = ByteReader(state)
        let step = Int(try reader.u64())
        func moments(_ kind: String) throws -> [[Float]] {
            try model.parameters.map { p in
                if slim || restarting.contains(where: { $0 === p }) { return [Float](repeating: 0, count: p.count) }
                guard let t = file.tensor("adam.\(kind).\(p.name)"), t.values.count == p.count else {
                    throw ParameterFileError.missingTensor("adam.\(kind).\(p.name)")
                }
                return t.values
            }
        }
        adam.restore(step: step, m: try moments("m"), v: try moments("v"))
    }

    /// Loads the parameters of another run's checkpoint wherever names and shapes match (a
    /// warm start); the rest keep their initialisation. Returns the names taken from `file`.
    public func warmStart(from file: ParameterFile) throws -> [String] {
        let matching = model.parameters.filter { file.tensor($0.name)?.shape == $0.shape }
        guard !matching.isEmpty else {
            throw ParameterFileError.malformed("no parameter of this architecture to start from")
        }
        try file.load(into: matching)
        return matching.map(\.name)
    }
}
