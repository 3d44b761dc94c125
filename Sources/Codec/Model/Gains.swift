import Foundation
import NN

/// Per-channel gain vectors, one per trained quality level (Cui et al. 2021, "Asymmetric
/// Gained Deep Image Compression With Continuous Rate Adaptation"). The encoder quantizes
/// y·g; the decoder feeds ŷ·g⁻ to g_s, with g⁻ learned separately (the asymmetric inverse).
/// Between two levels both vectors are interpolated geometrically, g = g_a^(1−t) g_b^t.
public final class Gains: ParameterOwner {
    public let levels: Int, channels: Int
    public let gain: Parameter, inverse: Parameter
    public let name: String

    public init(levels: Int, channels: Int, name: String = "gain") {
        (self.levels, self.channels, self.name) = (levels, channels, name)
        // Step sizes 1/g spaced by √2 per level, the middle level near 1.
        let g = (0..<levels).flatMap { l in
            [Float](repeating: Float.pow2((Float(l) - Float(levels - 1) / 2) / 2), count: channels)
        }
        gain = Parameter("\(name).encoder", shape: [levels, channels], value: g)
        inverse = Parameter("\(name).decoder", shape: [levels, channels], value: g.map { 1 / $0 })
        let floor: Float = 1e-3
        for p in [gain, inverse] {
            p.project = { v in for i in v.indices { v[i] = max(v[i], floor) } }
            p.relativeStep = Gains.relativeStep
        }
    }

    /// Adam's step on the gains as a fraction of their value, in units of the learning rate:
    /// at 1e-4 a gain may move by 0.1% a step, so levels can spread apart as training finds
    /// where each λ's channels should die.
    static let relativeStep: Float = 10

    /// Gains for new trade-offs `lambdas` from gains trained for `trained`: each channel's
    /// log-gain is interpolated linearly in log λ between the two nearest trained levels, and
    /// extrapolated from the end pair beyond them. Both lists are sorted ascending.
    public convenience init(resampling trained: Gains, from trainedLambdas: [Float], to lambdas: [Float]) {
        precondition(trainedLambdas.count == trained.levels && trained.levels >= 2, "need two trained levels")
        self.init(levels: lambdas.count, channels: trained.channels, name: trained.name)
        let known = trainedLambdas.map { Foundation.log($0) }
        for (l, lambda) in lambdas.enumerated() {
            let t = Foundation.log(lambda)
            let a = min(known.lastIndex { $0 <= t } ?? 0, trained.levels - 2)
            let w = (t - known[a]) / (known[a + 1] - known[a])
            for (source, target) in [(trained.gain, gain), (trained.inverse, inverse)] {
                for c in 0..<channels {
                    let x = Foundation.log(source.value[a * channels + c])
                    let y = Foundation.log(source.value[(a + 1) * channels + c])
                    target.value[l * channels + c] = Foundation.exp(x + w * (y - x))
                }
            }
        }
    }

    public var parameters: [Parameter] { [gain, inverse] }

    /// The (encoder, decoder) gain vectors at a continuous level position in [0, levels − 1].
    public func vectors(at position: Float) -> (gain: [Float], inverse: [Float]) {
        let bracket = LevelBracket(position: position, levels: levels)
        func mix(_ v: [Float]) -> [Float] {
            (0..<channels).map { c in bracket.mix(v[bracket.lower * channels + c], v[bracket.upper * channels + c]) }
        }
        return (mix(gain.value), mix(inverse.value))
    }

    /// The (encoder, decoder) gain vectors of trained level `l`, as trained.
    public func vectors(level l: Int) -> (gain: [Float], inverse: [Float]) {
        (Array(gain.value[(l * channels)..<((l + 1) * channels)]), Array(inverse.value[(l * channels)..<((l + 1) * channels)]))
    }

    /// The trained level nearest to `quality`.
    public func nearestLevel(quality: Int) -> Int { Int(position(quality: quality).rounded()) }

    /// The level position of a user quality 1…100 (1 is the lowest rate, 100 the highest).
    public func position(quality: Int) -> Float {
        let (lowest, highest) = (Quality.range.lowerBound, Quality.range.upperBound)
        return Float(min(max(quality, lowest), highest) - lowest) / Float(highest - lowest) * Float(levels - 1)
    }
}

/// A continuous level position, clamped to [0, levels − 1], as the two trained levels around
/// it and the weight t of the upper one: what the gains and λ are both interpolated between.
struct LevelBracket {
    let lower: Int, upper: Int, t: Float

    init(position: Float, levels: Int) {
        let p = min(max(position, 0), Float(levels - 1))
        lower = Int(p.rounded(.down))
        upper = min(lower + 1, levels - 1)
        t = p - Float(lower)
    }

    /// x^(1−t)·y^t, the geometric interpolation between a value at each level.
    func mix(_ x: Float, _ y: Float) -> Float { x == y ? x : Float.pow(x, 1 - t) * Float.pow(y, t) }
}

extension Float {
    static func pow2(_ x: Float) -> Float { Float.pow(2, x) }
    static func pow(_ x: Float, _ y: Float) -> Float { Foundation.powf(x, y) }
}
