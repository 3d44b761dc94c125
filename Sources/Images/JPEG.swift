import CJPEG

/// JPEG through libjpeg-turbo: baseline, progressive, grey and CMYK/YCCK in; EXIF
/// orientation applied on read.
public enum JPEG {
    public enum Subsampling: String, CaseIterable, Sendable { case s420 = "420", s444 = "444" }

    /// A decoded JPEG and the warnings libjpeg raised while decoding it (as djpeg reports
    /// them: the image is still returned).
    public struct Decoded {
        public var image: Image
        public var warnings: [String]
    }

    public static func decode(_ bytes: [UInt8], maxPixels: Int) throws -> Decoded {
        var decoded = aeic_jpeg_image()
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { buffer in
            aeic_jpeg_decode(buffer.baseAddress, buffer.count, UInt64(maxPixels),
                             &decoded, &message, message.count)
        }
        guard status == 0 else { throw ImageError.corrupt(String(cString: message)) }
        defer { aeic_jpeg_free(decoded.pixels) }
        let width = Int(decoded.width), height = Int(decoded.height)
        let channels = Int(decoded.channels)
        let wide = (0..<width * height * channels).map { UInt16(decoded.pixels[$0]) }
        let image = wide.withUnsafeBufferPointer {
            Image(interleaved: $0, width: width, height: height, stride: channels,
                  colour: channels, maximum: 255)
        }
        let warnings = decoded.warnings > 0 ? [String(cString: message)] : []
        return Decoded(image: image.oriented(exif: Int(decoded.orientation)), warnings: warnings)
    }

    public static func encode(_ image: Image, quality: Int,
                              subsampling: Subsampling = .s420) throws -> [UInt8] {
        let bytes = image.interleaved(maximum: 255, withAlpha: false).map { UInt8($0) }
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let status = aeic_jpeg_encode(bytes, UInt32(image.width), UInt32(image.height),
                                      Int32(image.channels), Int32(min(max(quality, 1), 100)),
                                      subsampling == .s420 ? 1 : 0, &out, &size,
                                      &message, message.count)
        guard status == 0, let out else { throw ImageError.corrupt(String(cString: message)) }
        defer { aeic_jpeg_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }
}
