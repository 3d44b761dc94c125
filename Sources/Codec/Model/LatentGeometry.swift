/// The sizes the transforms give an image: g_a halves height and width four times (y at
/// 1/16 of the image, rounded up, after padding the image to a multiple of 16); the
/// hyperprior's h_a halves them twice more (z at 1/4 of y, rounded up).
public struct LatentGeometry: Equatable, Sendable {
    /// g_a's downsampling factor, and h_a's on top of it.
    public static let analysisFactor = 16, hyperFactor = 4

    /// The image's size in pixels.
    public let height: Int, width: Int

    public init(height: Int, width: Int) { (self.height, self.width) = (height, width) }

    /// The image padded to whole latents.
    public var paddedHeight: Int { yHeight * LatentGeometry.analysisFactor }
    public var paddedWidth: Int { yWidth * LatentGeometry.analysisFactor }

    public var yHeight: Int { ceilDivide(height, LatentGeometry.analysisFactor) }
    public var yWidth: Int { ceilDivide(width, LatentGeometry.analysisFactor) }
    public var yPlane: Int { yHeight * yWidth }

    public var zHeight: Int { ceilDivide(yHeight, LatentGeometry.hyperFactor) }
    public var zWidth: Int { ceilDivide(yWidth, LatentGeometry.hyperFactor) }
    public var zPlane: Int { zHeight * zWidth }

    /// The geometry of an image whose y is `yHeight`×`yWidth` (the side information of a ŷ
    /// depends only on y's size).
    public static func latents(yHeight: Int, yWidth: Int) -> LatentGeometry {
        LatentGeometry(height: yHeight * analysisFactor, width: yWidth * analysisFactor)
    }
}

func ceilDivide(_ a: Int, _ b: Int) -> Int { (a + b - 1) / b }
