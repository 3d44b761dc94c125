/// Sixteen floats processed together, with partial loads and stores for the tail of a row.
public typealias Lanes = SIMD16<Float>

extension SIMD16 where Scalar == Float {
    /// Writes the first `count` lanes to `p`.
    @inlinable @inline(__always) public func store(to p: UnsafeMutablePointer<Float>, count: Int) {
        if count == 16 {
            UnsafeMutableRawPointer(p).storeBytes(of: self, as: Lanes.self)
        } else {
            for l in 0..<count { p[l] = self[l] }
        }
    }

    /// Sixteen consecutive floats from `p`, the lanes at and past `count` zero.
    @inlinable @inline(__always) public init(loading p: UnsafePointer<Float>, count: Int) {
        self.init(repeating: 0)
        if count == 16 {
            self = UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
        } else {
            for l in 0..<count { self[l] = p[l] }
        }
    }
}

/// Calls `body(start, count)` over 0..<total in chunks of `Lanes.scalarCount` (the last one
/// shorter), so that one loop body serves whole vectors and the tail.
@inlinable @inline(__always) public func forEachChunk(_ total: Int, _ body: (Int, Int) -> Void) {
    var start = 0
    while start < total {
        let count = min(Lanes.scalarCount, total - start)
        body(start, count)
        start += count
    }
}
