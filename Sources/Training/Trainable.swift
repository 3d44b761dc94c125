import NN

/// A model `Trainer` can optimise: its parameters, a description that a checkpoint stores so
/// that a resumed run can rebuild it, and one step of forward, loss and backward.
public protocol Trainable: ParameterOwner {
    /// The architecture, as checkpoints store it (JSON).
    var architectureDescription: String { get }

    /// Adds dLoss/dθ for the batch `x` (N, 3, H, W in [0, 1]) into the parameters' gradients
    /// and returns the loss. Any randomness of the step (noise, quality levels) comes from
    /// `rng`, so that a resumed run repeats it.
    func trainStep(_ x: Tensor, rng: inout SplitMix64) -> StepReport

    /// Sets how every layer computes (GEMM precision, workers).
    func configure(_ compute: Compute)
}

/// The loss of one training step and the figures the progress line prints beside it.
public struct StepReport: Sendable {
    /// A named figure, averaged over the progress line's window and printed with `format`
    /// (e.g. "%.2f dB").
    public struct Figure: Sendable {
        public var name: String, value: Double, format: String
        public init(_ name: String, _ value: Double, format: String) {
            (self.name, self.value, self.format) = (name, value, format)
        }
    }

    public var loss: Double
    public var figures: [Figure]

    public init(loss: Double, figures: [Figure] = []) {
        (self.loss, self.figures) = (loss, figures)
    }

    /// The figure named `name`, if the step reported one.
    public subscript(name: String) -> Double? { figures.first { $0.name == name }?.value }
}
