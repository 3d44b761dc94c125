/// A dense Float32 tensor in N, C, H, W order, contiguous (W fastest).
public struct Tensor: Equatable, Sendable {
    public internal(set) var n: Int, c: Int, h: Int, w: Int
    public var data: [Float]

    public init(n: Int, c: Int, h: Int, w: Int, data: [Float]) {
        precondition(data.count == n * c * h * w, "tensor data does not match its shape")
        (self.n, self.c, self.h, self.w) = (n, c, h, w)
        self.data = data
    }

    public init(n: Int, c: Int, h: Int, w: Int, repeating value: Float = 0) {
        self.init(n: n, c: c, h: h, w: w, data: [Float](repeating: value, count: n * c * h * w))
    }

    /// A tensor of the same shape filled with `value`.
    public init(zerosLike other: Tensor, value: Float = 0) {
        self.init(n: other.n, c: other.c, h: other.h, w: other.w, repeating: value)
    }

    /// A tensor whose contents are undefined until written: for a layer's output that its
    /// workers write in full (zero-filling it first would be a serial pass over memory).
    static func uninitialized(n: Int, c: Int, h: Int, w: Int) -> Tensor {
        let count = n * c * h * w
        return Tensor(n: n, c: c, h: h, w: w,
                      data: [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count })
    }

    static func uninitialized(like other: Tensor) -> Tensor {
        uninitialized(n: other.n, c: other.c, h: other.h, w: other.w)
    }

    public var count: Int { data.count }
    public var shape: [Int] { [n, c, h, w] }
    /// Elements of one image, C·H·W.
    public var imageSize: Int { c * h * w }
    /// Elements of one channel plane, H·W.
    public var planeSize: Int { h * w }

    public func sameShape(_ other: Tensor) -> Bool { shape == other.shape }
}

/// Runs `body` with the storage of `inputs` (read-only) and of `output` (writable) as raw
/// pointers, so that parallel workers can fill disjoint parts of `output` without copies.
func withStorage(reading inputs: [[Float]], writing output: inout [Float],
                 _ body: ([UnsafePointer<Float>], UnsafeMutablePointer<Float>) -> Void) {
    func bind(_ rest: ArraySlice<[Float]>, _ bound: [UnsafePointer<Float>], _ out: UnsafeMutablePointer<Float>) {
        guard let first = rest.first else { return body(bound, out) }
        first.withUnsafeBufferPointer { bind(rest.dropFirst(), bound + [$0.baseAddress!], out) }
    }
    output.withUnsafeMutableBufferPointer { bind(inputs[...], [], $0.baseAddress!) }
}
