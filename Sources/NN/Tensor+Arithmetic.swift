extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        precondition(a.sameShape(b), "shape mismatch")
        var out = a
        out.data.withUnsafeMutableBufferPointer { o in
            b.data.withUnsafeBufferPointer { bb in for i in 0..<o.count { o[i] += bb[i] } }
        }
        return out
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        precondition(a.sameShape(b), "shape mismatch")
        var out = a
        out.data.withUnsafeMutableBufferPointer { o in
            b.data.withUnsafeBufferPointer { bb in for i in 0..<o.count { o[i] -= bb[i] } }
        }
        return out
    }

    /// Adds `other` into `self` in place.
    public mutating func add(_ other: Tensor) {
        precondition(sameShape(other), "shape mismatch")
        data.withUnsafeMutableBufferPointer { o in
            other.data.withUnsafeBufferPointer { b in for i in 0..<o.count { o[i] += b[i] } }
        }
    }

    public func map(_ f: (Float) -> Float) -> Tensor {
        Tensor(n: n, c: c, h: h, w: w, data: data.map(f))
    }

    public func sum() -> Double { data.reduce(0) { $0 + Double($1) } }
}
