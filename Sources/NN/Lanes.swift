/// Sixteen floats processed together: element-wise work that libm would do one call at a
/// time (exp, tanh, sigmoid) runs on whole vectors with these.
public typealias Lanes = SIMD16<Float>

extension SIMD16 where Scalar == Float {
    /// e^x within a few ulp for x in [−87, 88] (clamped outside): Cody–Waite reduction
    /// x = n·ln 2 + r, Cephes' degree-6 polynomial for e^r, 2^n assembled in the exponent bits.
    @inlinable @inline(__always) public static func exp(_ x: Lanes) -> Lanes {
        let x = x.clamped(lowerBound: Lanes(repeating: -87), upperBound: Lanes(repeating: 88))
        // Adding 1.5·2^23 rounds x·log2 e to the nearest integer n and leaves n in the low
        // mantissa bits (`rounded()` and the generic Float → Int32 conversion go lane by lane).
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4
        var p = Lanes(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        let e = p * r * r + r + 1
        let integer = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
        return e * unsafeBitCast((integer &+ 127) &<< 23, to: Lanes.self)
    }

    /// tanh x = 1 − 2 / (e^{2x} + 1); absolute error ~1e-7 (relative error grows near 0,
    /// where the value is tiny anyway).
    @inlinable @inline(__always) public static func tanh(_ x: Lanes) -> Lanes {
        1 - 2 / (exp(2 * x) + 1)
    }

    /// 1 / (1 + e^{−x}).
    @inlinable @inline(__always) public static func sigmoid(_ x: Lanes) -> Lanes {
        1 / (1 + exp(-x))
    }

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
