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
}
