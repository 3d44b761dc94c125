import CPNG

/// PNG through libpng: every colour type and depth in, 8- or 16-bit out.
public enum PNG {
    /// Decodes a PNG. Palettes, low depths and tRNS are expanded; 16-bit samples keep their
    /// precision in the Float32 planes.
    public static func decode(_ bytes: [UInt8], maxPixels: Int) throws -> Image {
        var decoded = aeic_png_image()
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { buffer in
            aeic_png_decode(buffer.baseAddress, buffer.count, UInt64(maxPixels),
                            &decoded, &message, message.count)
        }
        guard status == 0 else {
            throw ImageError(decoding: message, width: decoded.width, height: decoded.height, maxPixels: maxPixels)
        }
        defer { [decoded.pixels, decoded.icc, decoded.exif, decoded.xmp].forEach { aeic_png_free(UnsafeMutableRawPointer($0)) } }
        let width = Int(decoded.width), height = Int(decoded.height)
        let stride = Int(decoded.channels)
        let colour = stride >= 3 ? 3 : 1
        let count = width * height * stride
        var wide = [UInt16](repeating: 0, count: count)
        if decoded.bit_depth == 16 {
            decoded.pixels.withMemoryRebound(to: UInt16.self, capacity: count) { p in
                for i in 0..<count { wide[i] = p[i] }
            }
        } else {
            for i in 0..<count { wide[i] = UInt16(decoded.pixels[i]) }
        }
        let maximum: Float = decoded.bit_depth == 16 ? 65535 : 255
        var image = wide.withUnsafeBufferPointer {
            Image(interleaved: $0, width: width, height: height, stride: stride,
                  colour: colour, maximum: maximum)
        }
        image.metadata = Metadata(icc: block(decoded.icc, decoded.icc_size), exif: block(decoded.exif, decoded.exif_size),
                                  xmp: block(decoded.xmp, decoded.xmp_size))
        return image
    }

    /// Encodes an image as an 8-bit (or 16-bit) PNG, with alpha when the image has it and
    /// its metadata as iCCP, eXIf and iTXt chunks.
    public static func encode(_ image: Image, bitDepth: Int = 8) throws -> [UInt8] {
        precondition(bitDepth == 8 || bitDepth == 16, "PNG bit depth must be 8 or 16")
        let withAlpha = image.alpha != nil
        let stride = image.channels + (withAlpha ? 1 : 0)
        let wide = image.interleaved(maximum: bitDepth == 16 ? 65535 : 255, withAlpha: withAlpha)
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let (icc, exif, xmp) = (image.metadata.icc ?? [], image.metadata.exif ?? [], image.metadata.xmp ?? [])
        let encode = { (pixels: UnsafePointer<UInt8>?) in
            aeic_png_encode(pixels, UInt32(image.width), UInt32(image.height), Int32(stride), Int32(bitDepth),
                            icc, icc.count, exif, exif.count, xmp, xmp.count, &out, &size, &message, message.count)
        }
        let status = bitDepth == 16
            ? wide.withUnsafeBytes { encode($0.bindMemory(to: UInt8.self).baseAddress) }
            : wide.map { UInt8($0) }.withUnsafeBufferPointer { encode($0.baseAddress) }
        guard status == 0, let out else { throw ImageError.corrupt(String(cString: message)) }
        defer { aeic_png_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }
}

/// A C library's metadata block as bytes (nil when absent).
func block(_ pointer: UnsafeMutablePointer<UInt8>?, _ size: Int) -> [UInt8]? {
    guard let pointer, size > 0 else { return nil }
    return Array(UnsafeBufferPointer(start: pointer, count: size))
}
