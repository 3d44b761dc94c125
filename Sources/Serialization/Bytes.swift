/// Little-endian writing of explicit-width fields.
public struct ByteWriter {
    public private(set) var bytes: [UInt8] = []
    public init() {}

    public mutating func u8(_ v: UInt8) { bytes.append(v) }
    public mutating func u16(_ v: UInt16) { append(v) }
    public mutating func u32(_ v: UInt32) { append(v) }
    public mutating func u64(_ v: UInt64) { append(v) }
    public mutating func raw(_ v: [UInt8]) { bytes += v }
    /// LEB128: 7 bits a byte, low bits first, the top bit set on all but the last byte.
    public mutating func varint(_ v: UInt32) {
        var rest = v
        while rest >= 0x80 {
            u8(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        u8(UInt8(rest))
    }
    public mutating func string16(_ s: String) {
        let utf8 = Array(s.utf8)
        precondition(utf8.count <= 0xFFFF, "string too long")
        u16(UInt16(utf8.count))
        raw(utf8)
    }

    private mutating func append<T: FixedWidthInteger>(_ v: T) {
        withUnsafeBytes(of: v.littleEndian) { bytes += $0 }
    }
}

/// Bounds-checked little-endian reading: running off the end throws, never traps.
public struct ByteReader {
    public struct Truncated: Error { public init() {} }
    public let bytes: [UInt8]
    public private(set) var offset: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    public var remaining: Int { bytes.count - offset }

    public mutating func u8() throws -> UInt8 { try read() }
    public mutating func u16() throws -> UInt16 { try read() }
    public mutating func u32() throws -> UInt32 { try read() }
    public mutating func u64() throws -> UInt64 { try read() }

    /// A LEB128 varint of at most five bytes; longer or overflowing ones are malformed.
    public mutating func varint() throws -> UInt32 {
        var value: UInt64 = 0
        for k in 0..<5 {
            let b = try u8()
            value |= UInt64(b & 0x7F) << (7 * UInt64(k))
            if b & 0x80 == 0 {
                guard value <= UInt64(UInt32.max) else { throw Truncated() }
                return UInt32(value)
            }
        }
        throw Truncated()
    }

    public mutating func raw(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else { throw Truncated() }
        defer { offset += count }
        return bytes[offset..<(offset + count)]
    }

    public mutating func string16() throws -> String {
        let count = Int(try u16())
        return String(decoding: try raw(count), as: UTF8.self)
    }

    private mutating func read<T: FixedWidthInteger>() throws -> T {
        let size = MemoryLayout<T>.size
        guard size <= remaining else { throw Truncated() }
        var v: T = 0
        for k in 0..<size { v |= T(bytes[offset + k]) << (8 * k) }
        offset += size
        return v
    }
}

/// CRC-32 (ISO-HDLC: reflected polynomial 0xEDB88320, as zlib and PNG use), eight bytes a
/// step ("slicing-by-8", Kounavis & Berry 2005): model files are megabytes, checked at every
/// load, and a byte a step took a sixth of a small photo's decompress.
public enum CRC32 {
    /// tables[256·k + b]: the CRC register after byte b followed by k zero bytes.
    static let tables: [UInt32] = {
        var t: [UInt32] = (0..<256).map { (i: Int) -> UInt32 in
            (0..<8).reduce(UInt32(i)) { (c: UInt32, _: Int) -> UInt32 in c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        for k in 256..<(8 * 256) {
            let previous = t[k - 256]
            t.append(t[Int(previous & 0xFF)] ^ (previous >> 8))
        }
        return t
    }()

    public static func checksum<C: Collection>(_ bytes: C, seed: UInt32 = 0) -> UInt32
    where C.Element == UInt8 {
        let crc = bytes.withContiguousStorageIfAvailable { update(~seed, $0) }
            ?? Array(bytes).withUnsafeBufferPointer { update(~seed, $0) }
        return ~crc
    }

    static func update(_ register: UInt32, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        let t = tables
        /// Table k of byte `shift / 8` of `word`.
        func slice(_ k: Int, _ word: UInt32, _ shift: UInt32) -> UInt32 { t[256 * k + Int((word >> shift) & 0xFF)] }
        var crc = register, k = 0
        while k + 8 <= bytes.count {
            let low = crc ^ UInt32(littleEndianAt: bytes, k), high = UInt32(littleEndianAt: bytes, k + 4)
            let fromLow = slice(7, low, 0) ^ slice(6, low, 8) ^ slice(5, low, 16) ^ slice(4, low, 24)
            crc = fromLow ^ slice(3, high, 0) ^ slice(2, high, 8) ^ slice(1, high, 16) ^ slice(0, high, 24)
            k += 8
        }
        for b in bytes[k...] { crc = t[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        return crc
    }
}

extension UInt32 {
    /// The four bytes at `offset`, least significant first.
    init(littleEndianAt bytes: UnsafeBufferPointer<UInt8>, _ offset: Int) {
        let (b0, b1) = (UInt32(bytes[offset]), UInt32(bytes[offset + 1]))
        let (b2, b3) = (UInt32(bytes[offset + 2]), UInt32(bytes[offset + 3]))
        self = b0 | b1 << 8 | b2 << 16 | b3 << 24
    }
}

/// FNV-1a, 64-bit: a fast fingerprint for naming a model file (identity, not security).
public enum FNV1a {
    public static func hash<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}
