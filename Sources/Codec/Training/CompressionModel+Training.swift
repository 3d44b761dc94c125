import NN
import Training
import Serialization

extension CompressionModel: Trainable {
    public var architectureDescription: String { architecture.json }

    /// A rate–distortion step with each image at a random quality level.
    public func trainStep(_ x: Tensor, rng: inout SplitMix64) -> StepReport {
        let levels = (0..<x.n).map { _ in Int(rng.next() % UInt64(architecture.levels)) }
        let stats = trainStep(x, levels: levels, rng: &rng)
        return StepReport(loss: stats.loss, figures: [.init("bpp", stats.bpp, format: "%.3f"),
                                                      .init("psnr", stats.psnr, format: "%.2f dB")])
    }

    /// The model of a checkpoint. With `lambdas` unlike the checkpoint's, the gains are
    /// resampled to the new levels; `restarted` lists the parameters whose optimiser moments
    /// no longer apply.
    public static func resuming(_ file: ParameterFile, lambdas: [Float]? = nil) throws
        -> (model: CompressionModel, restarted: [Parameter]) {
        let trained = try Architecture(json: file.architecture)
        var architecture = trained
        if let lambdas { architecture.lambdas = lambdas }
        let model = CompressionModel(architecture)
        guard architecture.lambdas != trained.lambdas else {
            try file.load(into: model.parameters)
            return (model, [])
        }
        let old = model.levelGains.map { Gains(levels: trained.levels, channels: $0.channels, name: $0.name) }
        try file.load(into: model.sharedParameters + old.flatMap(\.parameters))
        for (trainedGains, target) in zip(old, model.levelGains) {
            let new = Gains(resampling: trainedGains, from: trained.lambdas, to: architecture.lambdas)
            (target.gain.value, target.inverse.value) = (new.gain.value, new.inverse.value)
        }
        return (model, model.levelGains.flatMap(\.parameters))
    }
}

extension Trainer where Model == CompressionModel {
    /// Resumes a codec run from a checkpoint written by `checkpoint()`, for `lambdas` when
    /// given (see `CompressionModel.resuming`).
    public convenience init(resuming file: ParameterFile, lambdas: [Float]? = nil, options: Options) throws {
        let (model, restarted) = try CompressionModel.resuming(file, lambdas: lambdas)
        self.init(model: model, options: options)
        try restoreState(from: file, restarting: restarted)
    }
}
