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

/// CRC-32 (ISO-HDLC: reflected polynomial 0xEDB88320, as zlib and PNG use).
public enum CRC32 {
    static let table: [UInt32] = (0..<256).map { i in
        (0..<8).reduce(UInt32(i)) { c, _ in c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    }

    public static func checksum<C: Collection>(_ bytes: C, seed: UInt32 = 0) -> UInt32
    where C.Element == UInt8 {
        var crc = ~seed
        for b in bytes { crc = table[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
        return ~crc
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
