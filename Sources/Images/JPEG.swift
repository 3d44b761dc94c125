import CJPEG

/// JPEG through libjpeg-turbo: baseline, progressive, grey and CMYK/YCCK in; EXIF
/// orientation applied on read (and the EXIF block's orientation reset to 1); ICC, EXIF and
/// XMP kept.
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
        guard status == 0 else {
            throw ImageError(decoding: message, width: decoded.width, height: decoded.height, maxPixels: maxPixels)
        }
        defer { [decoded.pixels, decoded.icc, decoded.exif, decoded.xmp].forEach { aeic_jpeg_free(UnsafeMutableRawPointer($0)) } }
        let width = Int(decoded.width), height = Int(decoded.height)
        let channels = Int(decoded.channels)
        let wide = (0..<width * height * channels).map { UInt16(decoded.pixels[$0]) }
        let image = wide.withUnsafeBufferPointer {
            Image(interleaved: $0, width: width, height: height, stride: channels,
                  colour: channels, maximum: 255)
        }
        let warnings = decoded.warnings > 0 ? [String(cString: message)] : []
        var upright = image.oriented(exif: Int(decoded.orientation))
        upright.metadata = Metadata(icc: block(decoded.icc, decoded.icc_size),
                                    exif: block(decoded.exif, decoded.exif_size).map(Metadata.resettingOrientation),
                                    xmp: block(decoded.xmp, decoded.xmp_size))
        return Decoded(image: upright, warnings: warnings)
    }

    public static func encode(_ image: Image, quality: Int,
                              subsampling: Subsampling = .s420) throws -> [UInt8] {
        let bytes = image.interleaved(maximum: 255, withAlpha: false).map { UInt8($0) }
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let (icc, exif, xmp) = (image.metadata.icc ?? [], image.metadata.exif ?? [], image.metadata.xmp ?? [])
        let status = aeic_jpeg_encode(bytes, UInt32(image.width), UInt32(image.height),
                                      Int32(image.channels), Int32(min(max(quality, 1), 100)),
                                      subsampling == .s420 ? 1 : 0, icc, icc.count, exif, exif.count,
                                      xmp, xmp.count, &out, &size, &message, message.count)
        guard status == 0, let out else { throw ImageError.corrupt(String(cString: message)) }
        defer { aeic_jpeg_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }
}
