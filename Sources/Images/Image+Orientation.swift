extension Image {
    /// The image turned upright according to an EXIF orientation tag (1–8; TIFF 6.0 §
    /// Orientation): `exif` names where the stored row 0 / column 0 should be displayed.
    public func oriented(exif: Int) -> Image {
        guard (2...8).contains(exif) else { return self }
        let transposes = exif >= 5
        let outW = transposes ? height : width, outH = transposes ? width : height
        // For each output (x, y), the stored (sx, sy) it shows.
        func source(_ x: Int, _ y: Int) -> (Int, Int) {
            switch exif {
            case 2: return (width - 1 - x, y)
            case 3: return (width - 1 - x, height - 1 - y)
            case 4: return (x, height - 1 - y)
            case 5: return (y, x)
            case 6: return (y, height - 1 - x)
            case 7: return (width - 1 - y, height - 1 - x)
            default: return (width - 1 - y, x)
            }
        }
        func remap(_ plane: ArraySlice<Float>) -> [Float] {
            var out = [Float](repeating: 0, count: outW * outH)
            let base = plane.startIndex
            for y in 0..<outH {
                for x in 0..<outW {
                    let (sx, sy) = source(x, y)
                    out[y * outW + x] = plane[base + sy * width + sx]
                }
            }
            return out
        }
        let n = pixelCount
        let planes = (0..<channels).flatMap { remap(samples[($0 * n)..<(($0 + 1) * n)]) }
        return Image(width: outW, height: outH, channels: channels, samples: planes,
                     alpha: alpha.map { remap($0[...]) })
    }
}
