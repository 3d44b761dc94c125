extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        var out = a
        out += b
        return out
    }

    public static func += (a: inout Tensor, b: Tensor) {
        precondition(a.sameShape(b), "shape mismatch")
        a.data.withUnsafeMutableBufferPointer { o in
            b.data.withUnsafeBufferPointer { bb in for i in 0..<o.count { o[i] += bb[i] } }
        }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        precondition(a.sameShape(b), "shape mismatch")
        var out = a
        out.data.withUnsafeMutableBufferPointer { o in
            b.data.withUnsafeBufferPointer { bb in for i in 0..<o.count { o[i] -= bb[i] } }
        }
        return out
    }

    @inlinable public func map(_ f: (Float) -> Float) -> Tensor {
        Tensor(n: n, c: c, h: h, w: w, data: data.map(f))
    }

    /// Every value clamped to [0, 1] in place (a network's output made pixels, without a
    /// second copy of a large image).
    public mutating func clampToUnitInterval() {
        data.withUnsafeMutableBufferPointer { p in
            for k in p.indices { p[k] = p[k].clampedToUnitInterval }
        }
    }
}

extension Float {
    /// This value clamped to [0, 1], NaN (from a damaged model) to 0.
    public var clampedToUnitInterval: Float { self >= 0 ? (self <= 1 ? self : 1) : 0 }
}
