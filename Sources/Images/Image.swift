/// A decoded picture: planar Float32 samples in [0, 1], channel-major (C, H, W).
///
/// `channels` is 1 (grey) or 3 (RGB). Alpha, when the source had it, is kept apart in
/// `alpha` (H, W) so that codecs can treat colour and transparency differently.
public struct Image: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public var channels: Int
    /// C planes of H×W samples, row-major within a plane.
    public var samples: [Float]
    public var alpha: [Float]?
    /// The source file's colour profile and EXIF/XMP blocks, for writers that keep them.
    public var metadata = Metadata()

    public init(width: Int, height: Int, channels: Int, samples: [Float], alpha: [Float]? = nil) {
        precondition(channels == 1 || channels == 3, "channels must be 1 or 3")
        precondition(samples.count == width * height * channels, "sample count mismatch")
        precondition(alpha == nil || alpha!.count == width * height, "alpha size mismatch")
        self.width = width
        self.height = height
        self.channels = channels
        self.samples = samples
        self.alpha = alpha
    }

    public var pixelCount: Int { width * height }

    /// An image of `channels` colour channels from RGB planes (3 of H×W): for grey, their
    /// mean (a grey source that went through an RGB model comes back grey).
    public init(rgb: [Float], width: Int, height: Int, channels: Int, alpha: [Float]? = nil) {
        precondition(rgb.count == 3 * width * height, "colour must be 3 planes of this size")
        guard channels == 1 else { self.init(width: width, height: height, channels: 3, samples: rgb, alpha: alpha); return }
        let n = width * height
        let grey = (0..<n).map { (rgb[$0] + rgb[n + $0] + rgb[2 * n + $0]) / 3 }
        self.init(width: width, height: height, channels: 1, samples: grey, alpha: alpha)
    }

    /// This image's pixel format (channels, alpha) with new colour from RGB planes.
    public func replacingColour(with rgb: [Float]) -> Image {
        var image = Image(rgb: rgb, width: width, height: height, channels: channels, alpha: alpha)
        image.metadata = metadata
        return image
    }

    /// The same picture with three channels (grey is replicated).
    public func rgb() -> Image {
        guard channels == 1 else { return self }
        var image = Image(width: width, height: height, channels: 3, samples: samples + samples + samples, alpha: alpha)
        image.metadata = metadata
        return image
    }
}

extension Image {
    /// Builds an image from interleaved integer samples with `stride` values per pixel, of
    /// which the first `colour` are colour and an optional last one is alpha.
    init(interleaved source: UnsafeBufferPointer<UInt16>, width: Int, height: Int,
         stride: Int, colour: Int, maximum: Float) {
        let n = width * height
        var planes = [Float](repeating: 0, count: n * colour)
        var alphaPlane: [Float]? = stride > colour ? [Float](repeating: 0, count: n) : nil
        let scale = 1 / maximum
        for i in 0..<n {
            for c in 0..<colour { planes[c * n + i] = Float(source[i * stride + c]) * scale }
            if alphaPlane != nil { alphaPlane![i] = Float(source[i * stride + colour]) * scale }
        }
        self.init(width: width, height: height, channels: colour, samples: planes, alpha: alphaPlane)
    }

    /// Interleaved integer samples in [0, maximum], rounded; alpha last when `withAlpha`.
    func interleaved(maximum: Float, withAlpha: Bool) -> [UInt16] {
        let n = pixelCount
        let stride = channels + (withAlpha ? 1 : 0)
        var out = [UInt16](repeating: 0, count: n * stride)
        // Written so that NaN (from a damaged decode) maps to 0 instead of trapping.
        func quantise(_ v: Float) -> UInt16 { UInt16((v > 0 ? (v < 1 ? v : 1) : 0) * maximum + 0.5) }
        for i in 0..<n {
            for c in 0..<channels { out[i * stride + c] = quantise(samples[c * n + i]) }
            if withAlpha { out[i * stride + channels] = quantise(alpha?[i] ?? 1) }
        }
        return out
    }
}
