/// SplitMix64: a small, seedable generator, so runs and tests repeat exactly.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// Standard normal (Box–Muller).
    public mutating func normal() -> Float {
        let u1 = max(uniform(), 1e-7), u2 = uniform()
        return (-2 * logf(u1)).squareRoot() * cosf(2 * .pi * u2)
    }
}

import Foundation

/// He/Kaiming-style uniform initialisation for a layer with `fanIn` inputs (gain √2 for
/// ReLU-like nonlinearities, 1 for GDN, whose normalisation keeps scale anyway).
public func heUniform(count: Int, fanIn: Int, gain: Float = 1,
                      rng: inout SplitMix64) -> [Float] {
    let bound = gain * (3 / Float(fanIn)).squareRoot()
    return (0..<count).map { _ in (rng.uniform() * 2 - 1) * bound }
}
