import NN
import Serialization

/// The `.aeic` file (byte layout in FORMAT.md): a fixed 40-byte header with its own CRC,
/// then the range-coded latents, the optional alpha plane, optional tagged chunks (the
/// source's colour profile and EXIF/XMP) and a CRC-32 of all three.
public struct Container: Equatable, Sendable {
    public static let magic: [UInt8] = Array("AEIC".utf8)
    public static let version: UInt8 = 2
    static let headerSize = 40

    public struct Flags: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let alpha = Flags(rawValue: 1)
        public static let chunks = Flags(rawValue: 2)
    }

    /// A tagged block carried beside the image: a four-character tag and its bytes. Readers
    /// keep the tags they know and skip the rest.
    public struct Chunk: Equatable, Sendable {
        public var tag: String
        public var data: [UInt8]
        public init(tag: String, data: [UInt8]) {
            precondition(tag.utf8.count == 4, "a chunk tag has four bytes")
            (self.tag, self.data) = (tag, data)
        }
    }

    public var flags: Flags
    public var width: Int
    public var height: Int
    /// Channels of the source image: 1 (grey, coded as RGB and returned as grey) or 3.
    public var channels: Int
    /// 0: sRGB, the only colour space so far.
    public var colourSpace: UInt8 = 0
    public var quality: Int
    public var latentChannels: Int
    public var modelIdentity: UInt64
    public var latents: [UInt8]
    public var alpha: [UInt8]
    public var chunks: [Chunk] = []

    public var geometry: LatentGeometry { LatentGeometry(height: height, width: width) }
    public var latentHeight: Int { geometry.yHeight }
    public var latentWidth: Int { geometry.yWidth }

    public var encoded: [UInt8] {
        var w = ByteWriter()
        w.raw(Container.magic)
        w.u8(Container.version)
        w.u8(flags.rawValue)
        w.u8(0)
        w.u8(colourSpace)
        w.u32(UInt32(width))
        w.u32(UInt32(height))
        w.u8(UInt8(channels))
        w.u8(UInt8(quality))
        w.u16(UInt16(latentChannels))
        w.u64(modelIdentity)
        w.u32(UInt32(latents.count))
        w.u32(UInt32(alpha.count))
        w.u32(CRC32.checksum(w.bytes))
        var payload = ByteWriter()
        payload.raw(latents)
        payload.raw(alpha)
        for chunk in chunks {
            payload.raw(Array(chunk.tag.utf8))
            payload.u32(UInt32(chunk.data.count))
            payload.raw(chunk.data)
        }
        w.raw(payload.bytes)
        w.u32(CRC32.checksum(payload.bytes))
        return w.bytes
    }

    /// `bytes` with both checksums (header and payload) made valid again: damage that a
    /// checksum would hide, handed to the parser and the decoder (for tests and fuzzing).
    public static func resealed(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= headerSize + 4 else { return bytes }
        var w = ByteWriter()
        w.raw(Array(bytes.prefix(headerSize - 4)))
        w.u32(CRC32.checksum(w.bytes))
        let payload = Array(bytes[headerSize..<(bytes.count - 4)])
        w.raw(payload)
        w.u32(CRC32.checksum(payload))
        return w.bytes
    }

    /// Parses and validates a container: magic, version, header CRC, field ranges, the
    /// image size against `maxPixels`, lengths against the bytes present, and the payload
    /// CRC, all before anything is allocated for the image.
    public init(decoding bytes: [UInt8], maxPixels: Int) throws {
        guard bytes.count >= 4 else {
            throw bytes.isEmpty ? ContainerError.empty : ContainerError.truncated
        }
        guard Array(bytes.prefix(4)) == Container.magic else { throw ContainerError.badMagic }
        // A model file shares the first four bytes; its fifth would read as "version 80".
        guard !bytes.starts(with: ParameterFile.magic) else { throw ContainerError.modelFile }
        guard bytes.count >= Container.headerSize else { throw ContainerError.truncated }
        var r = ByteReader(bytes, offset: 4)
        do {
            let version = try r.u8()
            guard version == Container.version else { throw ContainerError.unsupportedVersion(Int(version)) }
            flags = Flags(rawValue: try r.u8())
            _ = try r.u8()
            colourSpace = try r.u8()
            width = Int(try r.u32())
            height = Int(try r.u32())
            channels = Int(try r.u8())
            quality = Int(try r.u8())
            latentChannels = Int(try r.u16())
            modelIdentity = try r.u64()
            let latentLength = Int(try r.u32()), alphaLength = Int(try r.u32())
            let headerCRC = try r.u32()
            guard headerCRC == CRC32.checksum(bytes.prefix(Container.headerSize - 4)) else {
                throw ContainerError.headerCRCMismatch
            }
            guard flags.rawValue & ~(Flags.alpha.rawValue | Flags.chunks.rawValue) == 0, colourSpace == 0,
                  channels == 1 || channels == 3, Quality.range.contains(quality),
                  latentChannels > 0, width > 0, height > 0,
                  flags.contains(.alpha) == (alphaLength > 0)
            else { throw ContainerError.badField }
            guard width.multipliedReportingOverflow(by: height).partialValue <= maxPixels,
                  width <= 1 << 24, height <= 1 << 24
            else { throw ContainerError.tooLarge(width: width, height: height, limit: maxPixels) }
            guard latentLength <= r.remaining, alphaLength <= r.remaining - latentLength,
                  r.remaining - latentLength - alphaLength >= 4
            else { throw ContainerError.truncated }
            let chunkLength = r.remaining - latentLength - alphaLength - 4
            guard flags.contains(.chunks) || chunkLength == 0 else { throw ContainerError.trailingBytes }
            let payload = Array(try r.raw(latentLength + alphaLength + chunkLength))
            guard try r.u32() == CRC32.checksum(payload) else { throw ContainerError.payloadCRCMismatch }
            latents = Array(payload[..<latentLength])
            alpha = Array(payload[latentLength..<(latentLength + alphaLength)])
            chunks = try Container.chunks(payload[(latentLength + alphaLength)...])
        } catch is ByteReader.Truncated {
            throw ContainerError.truncated
        }
    }

    /// The chunks of the bytes after the alpha payload: tag, u32 length, bytes, to the end.
    static func chunks(_ bytes: ArraySlice<UInt8>) throws -> [Chunk] {
        var r = ByteReader(Array(bytes)), out: [Chunk] = []
        while r.remaining > 0 {
            guard r.remaining >= 8 else { throw ContainerError.badField }
            let tag = Array(try r.raw(4)), length = Int(try r.u32())
            guard tag.allSatisfy({ (0x20...0x7E).contains($0) }), length <= r.remaining else { throw ContainerError.badField }
            out.append(Chunk(tag: String(decoding: tag, as: UTF8.self), data: Array(try r.raw(length))))
        }
        return out
    }

    /// A container; the chunks flag follows `chunks`.
    public init(flags: Flags, width: Int, height: Int, channels: Int, quality: Int,
                latentChannels: Int, modelIdentity: UInt64, latents: [UInt8], alpha: [UInt8], chunks: [Chunk] = []) {
        (self.flags, self.width, self.height, self.channels) = (flags, width, height, channels)
        (self.quality, self.latentChannels, self.modelIdentity) = (quality, latentChannels, modelIdentity)
        (self.latents, self.alpha, self.chunks) = (latents, alpha, chunks)
        if chunks.isEmpty { self.flags.remove(.chunks) } else { self.flags.insert(.chunks) }
    }
}

/// Why a `.aeic` file cannot be decoded.
public enum ContainerError: Error, Equatable, CustomStringConvertible {
    case empty
    case badMagic
    /// An aeic model file (`ParameterFile`), not a compressed image.
    case modelFile
    case unsupportedVersion(Int)
    case truncated
    case trailingBytes
    case headerCRCMismatch
    case payloadCRCMismatch
    case badField
    case tooLarge(width: Int, height: Int, limit: Int)
    case modelMismatch(file: UInt64, model: UInt64)
    case corruptPayload

    public var description: String {
        switch self {
        case .empty: return "empty file"
        case .badMagic: return "not an .aeic file (bad magic)"
        case .modelFile: return "an aeic model file, not a compressed image (.aeic)"
        case .unsupportedVersion(let v): return "the file is .aeic version \(v); this aeic reads version \(Container.version)"
        case .truncated: return "file is truncated"
        case .trailingBytes: return "unexpected bytes after the end of the file"
        case .headerCRCMismatch: return "header CRC mismatch"
        case .payloadCRCMismatch: return "payload CRC mismatch"
        case .badField: return "invalid header field"
        case .tooLarge(let w, let h, let limit): return "image is \(w)x\(h), over the limit of \(limit) pixels"
        case .modelMismatch(let file, let model):
            return "made with model \(hex(file)), but the loaded model is \(hex(model)) (use --model)"
        case .corruptPayload: return "corrupt latent payload"
        }
    }
}

func hex(_ v: UInt64) -> String {
    let s = String(v, radix: 16)
    return String(repeating: "0", count: 16 - s.count) + s
}
