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
        guard status == 0 else { throw ImageError.corrupt(String(cString: message)) }
        defer { aeic_png_free(decoded.pixels) }
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
        return wide.withUnsafeBufferPointer {
            Image(interleaved: $0, width: width, height: height, stride: stride,
                  colour: colour, maximum: maximum)
        }
    }

    /// Encodes an image as an 8-bit (or 16-bit) PNG, with alpha when the image has it.
    public static func encode(_ image: Image, bitDepth: Int = 8) throws -> [UInt8] {
        precondition(bitDepth == 8 || bitDepth == 16, "PNG bit depth must be 8 or 16")
        let withAlpha = image.alpha != nil
        let stride = image.channels + (withAlpha ? 1 : 0)
        let wide = image.interleaved(maximum: bitDepth == 16 ? 65535 : 255, withAlpha: withAlpha)
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let status: Int32
        if bitDepth == 16 {
            status = wide.withUnsafeBytes { raw in
                aeic_png_encode(raw.bindMemory(to: UInt8.self).baseAddress, UInt32(image.width),
                                UInt32(image.height), Int32(stride), 16, &out, &size,
                                &message, message.count)
            }
        } else {
            let narrow = wide.map { UInt8($0) }
            status = aeic_png_encode(narrow, UInt32(image.width), UInt32(image.height),
                                     Int32(stride), 8, &out, &size, &message, message.count)
        }
        guard status == 0, let out else { throw ImageError.corrupt(String(cString: message)) }
        defer { aeic_png_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }
}
