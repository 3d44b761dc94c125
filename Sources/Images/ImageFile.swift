import Foundation

/// Reading and writing image files, with the format chosen by magic bytes on read and by
/// the caller on write.
public enum ImageFile {
    public static let defaultMaxPixels = 200_000_000

    /// Decodes PNG or JPEG bytes; `warnings` receives libjpeg's recoverable complaints.
    public static func decode(_ bytes: [UInt8], maxPixels: Int = defaultMaxPixels,
                              warnings: ((String) -> Void)? = nil) throws -> Image {
        guard !bytes.isEmpty else { throw ImageError.empty }
        switch ImageFormat(sniffing: Array(bytes.prefix(8))) {
        case .png?:
            return try PNG.decode(bytes, maxPixels: maxPixels)
        case .jpeg?:
            let decoded = try JPEG.decode(bytes, maxPixels: maxPixels)
            decoded.warnings.forEach { warnings?($0) }
            return decoded.image
        case nil:
            throw ImageError.unknownFormat
        }
    }

    /// Options for writing: JPEG quality and chroma subsampling, PNG bit depth.
    public struct WriteOptions: Sendable {
        public var quality: Int
        public var subsampling: JPEG.Subsampling
        public var pngBitDepth: Int
        public init(quality: Int = 90, subsampling: JPEG.Subsampling = .s420, pngBitDepth: Int = 8) {
            self.quality = quality
            self.subsampling = subsampling
            self.pngBitDepth = pngBitDepth
        }
    }

    public static func encode(_ image: Image, as format: ImageFormat,
                              options: WriteOptions = WriteOptions()) throws -> [UInt8] {
        switch format {
        case .png: return try PNG.encode(image, bitDepth: options.pngBitDepth)
        case .jpeg: return try JPEG.encode(image, quality: options.quality,
                                           subsampling: options.subsampling)
        }
    }
}
