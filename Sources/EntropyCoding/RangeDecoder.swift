/// The decoder of `RangeEncoder`. It never traps on damaged input: reading past the end
/// yields zero bytes and impossible codes are clamped, and `isDamaged` records that the
/// stream could not have come from the encoder (tensorflow-compression keeps the same kind
/// of separate check), so the caller decides what to throw.
public struct RangeDecoder {
    private let bytes: [UInt8]
    private var position = 0
    private var code: UInt32 = 0
    private var range: UInt32 = 0xFFFF_FFFF
    private var step: UInt32 = 0
    public private(set) var isDamaged = false

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        // The encoder's first byte is its initial cache, always zero.
        if nextByte() != 0 { isDamaged = true }
        for _ in 0..<4 { code = code << 8 | UInt32(nextByte()) }
    }

    /// Records that the stream holds something the encoder could not have written.
    public mutating func markDamaged() { isDamaged = true }

    /// Overrunning the input by more than the encoder's flush means the stream is too short.
    public var overran: Bool { position > bytes.count + 4 }

    @inline(__always)
    private mutating func nextByte() -> UInt8 {
        defer { position += 1 }
        return position < bytes.count ? bytes[position] : 0
    }

    /// The position of the next symbol in [0, 2^totalBits); follow with `consume`.
    @inline(__always)
    public mutating func target(totalBits: Int) -> UInt32 {
        step = range >> UInt32(totalBits)
        let v = code / step
        let limit: UInt32 = (1 << UInt32(totalBits)) - 1
        if v > limit { isDamaged = true; return limit }
        return v
    }

    /// The position of the next symbol in [0, total); follow with `consume`.
    @inline(__always)
    public mutating func target(total: UInt32) -> UInt32 {
        step = range / total
        let v = code / step
        if v >= total { isDamaged = true; return total - 1 }
        return v
    }

    /// Removes the symbol whose interval is [cumulative, cumulative + frequency), which must
    /// contain the value `target` returned.
    @inline(__always)
    public mutating func consume(cumulative: UInt32, frequency: UInt32) {
        code -= step * cumulative
        range = step * frequency
        while range < RangeEncoder.top {
            code = code << 8 | UInt32(nextByte())
            range <<= 8
        }
    }

    public mutating func decodeBits(count: Int) -> UInt32 {
        let v = target(totalBits: count)
        consume(cumulative: v, frequency: 1)
        return v
    }

    /// The inverse of `RangeEncoder.encodeExpGolomb`; a prefix longer than 32 marks damage.
    public mutating func decodeExpGolomb() -> UInt32 {
        var k = 0
        while decodeBits(count: 1) == 1 {
            k += 1
            if k > 32 { isDamaged = true; return 0 }
        }
        var n: UInt64 = 1
        var remaining = k
        while remaining > 0 {
            let chunk = min(remaining, 16)
            remaining -= chunk
            n = n << UInt64(chunk) | UInt64(decodeBits(count: chunk))
        }
        guard n - 1 <= UInt64(UInt32.max) else { isDamaged = true; return 0 }
        return UInt32(n - 1)
    }
}
