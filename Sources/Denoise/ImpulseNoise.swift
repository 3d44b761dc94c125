import NN

/// Noise that replaces whole pixels and leaves the others exactly as they were: masking sets
/// a pixel to black, salt-and-pepper to black or white. Told which one corrupted an image, a
/// denoiser can keep every pixel the noise cannot have produced, and replace only the rest.
public enum ImpulseNoise: Sendable {
    case masking, saltPepper

    /// Whether a pixel with these channel values may be one the noise set.
    func mayBeCorrupted(_ values: [Float]) -> Bool {
        switch self {
        case .masking: return values.allSatisfy { $0 == 0 }
        case .saltPepper: return values.allSatisfy { $0 == 0 } || values.allSatisfy { $0 == 1 }
        }
    }

    /// `denoised` at the pixels the noise may have set, `noisy` everywhere else
    /// (both 1, C, H, W).
    public func keepingUntouched(_ noisy: Tensor, denoised: Tensor) -> Tensor {
        precondition(noisy.sameShape(denoised) && noisy.n == 1, "one image, same shape")
        var out = noisy
        let plane = noisy.planeSize
        for p in 0..<plane {
            let values = (0..<noisy.c).map { noisy.data[$0 * plane + p] }
            guard mayBeCorrupted(values) else { continue }
            for c in 0..<noisy.c { out.data[c * plane + p] = denoised.data[c * plane + p] }
        }
        return out
    }
}
