/// A piecewise-constant learning rate (Caffe's "multistep" policy): `base` until the first
/// drop's step, then each drop's rate from its step on.
public struct LearningRateSchedule: Equatable, Sendable {
    public struct Drop: Equatable, Sendable {
        public var step: Int, rate: Float
        public init(step: Int, rate: Float) { (self.step, self.rate) = (step, rate) }
    }

    public var base: Float
    public var drops: [Drop]

    public init(base: Float, drops: [Drop] = []) {
        self.base = base
        self.drops = drops.sorted { $0.step < $1.step }
    }

    /// The rate for the update that follows `step` completed ones.
    public func rate(atStep step: Int) -> Float {
        drops.last { $0.step <= step }?.rate ?? base
    }
}
