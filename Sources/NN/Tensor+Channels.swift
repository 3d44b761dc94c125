extension Tensor {
    /// The tensors' channels side by side, image by image (the same N, H and W): a
    /// convolution over the result reads both, as over a concatenation in PyTorch.
    public static func concatenating(channels parts: [Tensor]) -> Tensor {
        let first = parts[0]
        precondition(parts.allSatisfy { $0.n == first.n && $0.h == first.h && $0.w == first.w },
                     "concatenation needs the same images and sizes")
        var data = [Float]()
        data.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        for i in 0..<first.n {
            for part in parts { data += part.data[(i * part.imageSize)..<((i + 1) * part.imageSize)] }
        }
        return Tensor(n: first.n, c: parts.reduce(0) { $0 + $1.c }, h: first.h, w: first.w, data: data)
    }

    /// Channels `range` of every image: the inverse of `concatenating(channels:)`.
    public func channels(_ range: Range<Int>) -> Tensor {
        precondition(range.lowerBound >= 0 && range.upperBound <= c, "channels out of range")
        var data = [Float]()
        data.reserveCapacity(n * range.count * planeSize)
        for i in 0..<n { data += self.data[((i * c + range.lowerBound) * planeSize)..<((i * c + range.upperBound) * planeSize)] }
        return Tensor(n: n, c: range.count, h: h, w: w, data: data)
    }

    /// round(x·gain[c]) of every value of one image, c its channel, rounding halves away from
    /// zero as `Float.rounded()` does: latents quantized at a quality. (Each value is made of
    /// its truncation and the exact remainder, so the loop vectorizes where `rounded()` is a
    /// call per value; |x·gain| is clamped to 2^30.)
    public func quantized(channelGains gain: [Float]) -> [Int32] {
        precondition(n == 1 && gain.count == c, "one image, one gain per channel")
        return [Int32](unsafeUninitializedCapacity: count) { out, initialized in
            data.withUnsafeBufferPointer { x in
                for channel in 0..<c {
                    let g = gain[channel]
                    for p in (channel * planeSize)..<((channel + 1) * planeSize) {
                        let v = Swift.min(Swift.max(x[p] * g, -0x1p30), 0x1p30)
                        let whole = Int32(v), remainder = v - Float(whole)
                        out[p] = whole + (remainder >= 0.5 ? 1 : 0) - (remainder <= -0.5 ? 1 : 0)
                    }
                }
            }
            initialized = count
        }
    }
}
