import NN

/// Noise that replaces whole pixels and leaves the others exactly as they were: masking sets
/// a pixel to black, salt-and-pepper to black or white. Only such pixels can be the noise's,
/// so a denoiser may keep every other pixel and replace only these candidates.
public enum ImpulseNoise: Sendable {
    case masking, saltPepper

    /// For each pixel of `x` (1, C, H, W in [0, 1]), whether the noise may have set it.
    public func candidates(_ x: Tensor) -> [Bool] {
        precondition(x.n == 1, "one image")
        let plane = x.planeSize
        return x.data.withUnsafeBufferPointer { samples in
            (0..<plane).map { p in
                let first = samples[p]
                guard first == 0 || (first == 1 && self == .saltPepper) else { return false }
                return (1..<x.c).allSatisfy { samples[$0 * plane + p] == first }
            }
        }
    }
}
