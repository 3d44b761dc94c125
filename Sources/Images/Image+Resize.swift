extension Image {
    /// The image resampled to `width`×`height` with a triangle (bilinear) filter widened by
    /// the scale factor when shrinking, so downscaling averages instead of aliasing.
    public func resized(width newWidth: Int, height newHeight: Int) -> Image {
        precondition(newWidth > 0 && newHeight > 0, "empty resize")
        let horizontal = Image.weights(from: width, to: newWidth)
        let vertical = Image.weights(from: height, to: newHeight)
        func resample(_ plane: ArraySlice<Float>) -> [Float] {
            let base = plane.startIndex
            var rows = [Float](repeating: 0, count: newWidth * height)
            for y in 0..<height {
                for (x, taps) in horizontal.enumerated() {
                    rows[y * newWidth + x] = taps.reduce(0) { $0 + $1.weight * plane[base + y * width + $1.index] }
                }
            }
            var out = [Float](repeating: 0, count: newWidth * newHeight)
            for (y, taps) in vertical.enumerated() {
                for x in 0..<newWidth {
                    out[y * newWidth + x] = taps.reduce(0) { $0 + $1.weight * rows[$1.index * newWidth + x] }
                }
            }
            return out
        }
        let n = pixelCount
        let planes = (0..<channels).flatMap { resample(samples[($0 * n)..<(($0 + 1) * n)]) }
        return Image(width: newWidth, height: newHeight, channels: channels, samples: planes,
                     alpha: alpha.map { resample($0[...]) })
    }

    /// Normalised triangle-filter taps for each output sample of a 1-D resize.
    static func weights(from source: Int, to target: Int) -> [[(index: Int, weight: Float)]] {
        let scale = Float(source) / Float(target)
        let support = max(1, scale)
        return (0..<target).map { o in
            let centre = (Float(o) + 0.5) * scale - 0.5
            let lo = Int((centre - support).rounded(.down)), hi = Int((centre + support).rounded(.up))
            var taps: [(index: Int, weight: Float)] = []
            for i in lo...hi {
                let w = max(0, 1 - abs(Float(i) - centre) / support)
                if w > 0 { taps.append((min(max(i, 0), source - 1), w)) }
            }
            let total = taps.reduce(0) { $0 + $1.weight }
            return taps.map { ($0.index, $0.weight / total) }
        }
    }
}
