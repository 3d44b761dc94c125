/// READ ME FIRST: a byte-oriented range coder (Martin 1979; the carry handling of LZMA's
/// rc: a 33-bit `low`, a cached byte and a count of pending 0xFF bytes). Integers only: the
/// coded bytes depend on the integer frequencies alone, so every machine decodes alike.
///
/// `encode(cumulative:frequency:totalBits:)` narrows the range to the half-open interval
/// [cumulative / 2^totalBits, (cumulative + frequency) / 2^totalBits). Requires
/// frequency ≥ 1, cumulative + frequency ≤ 2^totalBits and totalBits ≤ 16. The decoder must
/// be asked the same questions in the same order.
public struct RangeEncoder {
    static let top: UInt32 = 1 << 24
    private var low: UInt64 = 0
    private var range: UInt32 = 0xFFFF_FFFF
    private var cache: UInt8 = 0
    private var pending = 1
    public private(set) var bytes: [UInt8] = []

    public init() {}

    @inline(__always)
    public mutating func encode(cumulative: UInt32, frequency: UInt32, totalBits: Int) {
        let r = range >> UInt32(totalBits)
        low += UInt64(r) * UInt64(cumulative)
        range = r * frequency
        normalise()
    }

    /// The same for a total that is not a power of two (adaptive models): the interval
    /// [cumulative / total, (cumulative + frequency) / total), total ≤ 2^16.
    @inline(__always)
    public mutating func encode(cumulative: UInt32, frequency: UInt32, total: UInt32) {
        let r = range / total
        low += UInt64(r) * UInt64(cumulative)
        range = r * frequency
        normalise()
    }

    /// Codes the low `count` bits of `value` (count ≤ 16) with equal probability.
    public mutating func encodeBits(_ value: UInt32, count: Int) {
        precondition(count >= 1 && count <= 16 && value >> UInt32(count) == 0, "bypass bits out of range")
        encode(cumulative: value, frequency: 1, totalBits: count)
    }

    /// Elias-gamma code of a non-negative integer (an Exp-Golomb code of order 0) in bypass
    /// bits: for escapes, whose values no table covers.
    public mutating func encodeExpGolomb(_ value: UInt32) {
        let n = UInt64(value) + 1
        let k = 63 - n.leadingZeroBitCount
        for _ in 0..<k { encodeBits(1, count: 1) }
        encodeBits(0, count: 1)
        var remaining = k
        while remaining > 0 {
            let chunk = min(remaining, 16)
            remaining -= chunk
            encodeBits(UInt32((n >> UInt64(remaining)) & ((1 << UInt64(chunk)) - 1)), count: chunk)
        }
    }

    /// Flushes the state; the encoder must not be used afterwards.
    public mutating func finish() -> [UInt8] {
        for _ in 0..<5 { shiftLow() }
        return bytes
    }

    @inline(__always)
    private mutating func normalise() {
        while range < RangeEncoder.top {
            range <<= 8
            shiftLow()
        }
    }

    /// Emits the top byte of `low`, resolving a carry into the bytes still held back.
    private mutating func shiftLow() {
        if low < 0xFF00_0000 || low >= 1 << 32 {
            let carry = UInt8(truncatingIfNeeded: low >> 32)
            var byte = cache
            while pending > 0 {
                bytes.append(byte &+ carry)
                byte = 0xFF
                pending -= 1
            }
            cache = UInt8(truncatingIfNeeded: low >> 24)
        }
        pending += 1
        low = (low & 0x00FF_FFFF) << 8
    }
}
