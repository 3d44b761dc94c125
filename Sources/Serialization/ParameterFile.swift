import NN

/// Named tensors and integer blobs with an architecture description, in a checksummed file:
/// the format of model files and training checkpoints (layout in FORMAT.md).
///
/// Reading validates magic, version, the CRC-32 and every length against the bytes that are
/// actually there before it allocates; a damaged or foreign file is a `ParameterFileError`.
public struct ParameterFile: Equatable {
    public static let magic: [UInt8] = Array("AEICPARM".utf8)
    public static let version: UInt16 = 1

    public enum Precision: UInt8 { case float32 = 0, float16 = 1 }

    public struct Entry: Equatable {
        public var name: String
        public var shape: [Int]
        public var values: [Float]
        public init(name: String, shape: [Int], values: [Float]) {
            (self.name, self.shape, self.values) = (name, shape, values)
        }
    }

    /// A description of the architecture (e.g. JSON) that readers compare before loading.
    public var architecture: String
    public var tensors: [Entry]
    public var blobs: [String: [UInt8]]

    public init(architecture: String, tensors: [Entry] = [], blobs: [String: [UInt8]] = [:]) {
        self.architecture = architecture
        self.tensors = tensors
        self.blobs = blobs
    }

    public func tensor(_ name: String) -> Entry? { tensors.first { $0.name == name } }

    public func encoded(precision: Precision = .float32) -> [UInt8] {
        var w = ByteWriter()
        w.raw(ParameterFile.magic)
        w.u16(ParameterFile.version)
        w.u8(precision.rawValue)
        w.u8(0)
        let arch = Array(architecture.utf8)
        w.u32(UInt32(arch.count))
        w.raw(arch)
        w.u32(UInt32(tensors.count))
        for t in tensors {
            w.string16(t.name)
            w.u8(UInt8(t.shape.count))
            t.shape.forEach { w.u32(UInt32($0)) }
            switch precision {
            case .float32: t.values.forEach { w.u32($0.bitPattern) }
            case .float16: t.values.forEach { w.u16(Float16($0).bitPattern) }
            }
        }
        w.u32(UInt32(blobs.count))
        for name in blobs.keys.sorted() {
            w.string16(name)
            w.u32(UInt32(blobs[name]!.count))
            w.raw(blobs[name]!)
        }
        w.u32(CRC32.checksum(w.bytes))
        return w.bytes
    }

    /// How many values the file's tensors hold.
    public var valueCount: Int { tensors.reduce(0) { $0 + $1.values.count } }

    /// A checkpoint as small as it can be kept: the parameters and the step, without the
    /// optimiser's moments (a run resumed from it starts them afresh), for `encoded(precision:
    /// .float16)`.
    public var slim: ParameterFile {
        ParameterFile(architecture: architecture, tensors: tensors.filter { !$0.name.hasPrefix("adam.") }, blobs: blobs)
    }

    /// `bytes` with the trailing checksum replaced by that of the rest: damage that a
    /// checksum would hide, handed to the parser (for tests and fuzzing).
    public static func resealed(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.count >= 4 else { return bytes }
        var w = ByteWriter()
        w.raw(Array(bytes.dropLast(4)))
        w.u32(CRC32.checksum(w.bytes))
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws {
        let headerSize = ParameterFile.magic.count + 8
        guard bytes.count >= headerSize + 4,
              Array(bytes.prefix(ParameterFile.magic.count)) == ParameterFile.magic
        else { throw ParameterFileError.badMagic }
        let body = bytes.prefix(bytes.count - 4)
        var tail = ByteReader(bytes, offset: bytes.count - 4)
        guard try tail.u32() == CRC32.checksum(body) else { throw ParameterFileError.checksumMismatch }
        var r = ByteReader(Array(body), offset: ParameterFile.magic.count)
        do {
            let version = try r.u16()
            guard version == ParameterFile.version else { throw ParameterFileError.unsupportedVersion(version) }
            guard let precision = Precision(rawValue: try r.u8()) else { throw ParameterFileError.malformed("precision") }
            _ = try r.u8()
            architecture = String(decoding: try r.raw(Int(try r.u32())), as: UTF8.self)
            let elementSize = precision == .float32 ? 4 : 2
            tensors = []
            for _ in 0..<Int(try r.u32()) {
                let name = try r.string16()
                let rank = Int(try r.u8())
                var shape: [Int] = []
                for _ in 0..<rank { shape.append(Int(try r.u32())) }
                let count = shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).overflow ? Int.max : $0 * $1 }
                guard count <= r.remaining / elementSize else { throw ByteReader.Truncated() }
                let raw = try r.raw(count * elementSize)
                tensors.append(Entry(name: name, shape: shape, values: ParameterFile.floats(raw, precision)))
            }
            blobs = [:]
            for _ in 0..<Int(try r.u32()) {
                let name = try r.string16()
                blobs[name] = Array(try r.raw(Int(try r.u32())))
            }
            guard r.remaining == 0 else { throw ParameterFileError.malformed("trailing bytes") }
        } catch is ByteReader.Truncated {
            throw ParameterFileError.malformed("lengths point past the end")
        }
    }

    static func floats(_ raw: ArraySlice<UInt8>, _ precision: Precision) -> [Float] {
        raw.withUnsafeBufferPointer { b in
            switch precision {
            case .float32: return (0..<b.count / 4).map { Float(bitPattern: UInt32(littleEndianAt: b, 4 * $0)) }
            case .float16: return (0..<b.count / 2).map { Float(halfBits: UInt16(b[2 * $0]) | UInt16(b[2 * $0 + 1]) << 8) }
            }
        }
    }

    /// Copies the stored values into `parameters`, by name; a missing tensor or a shape that
    /// differs is an error, so a file for another architecture never half-loads.
    public func load(into parameters: [Parameter]) throws {
        for p in parameters {
            guard let t = tensor(p.name) else { throw ParameterFileError.missingTensor(p.name) }
            guard t.shape == p.shape else {
                throw ParameterFileError.shapeMismatch(p.name, expected: p.shape, found: t.shape)
            }
        }
        for p in parameters { p.value = tensor(p.name)!.values }
    }

    public static func entries(_ parameters: [Parameter]) -> [Entry] {
        parameters.map { Entry(name: $0.name, shape: $0.shape, values: $0.value) }
    }
}

public enum ParameterFileError: Error, Equatable, CustomStringConvertible {
    case badMagic
    case unsupportedVersion(UInt16)
    case checksumMismatch
    case malformed(String)
    case architectureMismatch(expected: String, found: String)
    case missingTensor(String)
    case shapeMismatch(String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case .badMagic: return "not an aeic model file (bad magic)"
        case .unsupportedVersion(let v): return "unsupported model file version \(v)"
        case .checksumMismatch: return "model file checksum mismatch"
        case .malformed(let what): return "malformed model file: \(what)"
        case .architectureMismatch(let e, let f):
            return "model architecture mismatch: expected \(e), found \(f)"
        case .missingTensor(let name): return "model file lacks tensor \(name)"
        case .shapeMismatch(let name, let e, let f):
            return "tensor \(name) has shape \(f), expected \(e)"
        }
    }
}

extension Float {
    /// The value of IEEE half-precision bits, widened exactly. `Float(Float16)` calls the
    /// runtime's software conversion on x86, which took a tenth of a small photo's decompress
    /// (every model load widens millions of them).
    public init(halfBits h: UInt16) {
        let sign = UInt32(h & 0x8000) << 16, exponent = UInt32(h >> 10) & 0x1F, mantissa = UInt32(h & 0x3FF)
        switch exponent {
        case 0: self = (sign == 0 ? 1 : -1) * Float(mantissa) * 0x1p-24      // zero and subnormals
        case 0x1F: self = Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)  // infinities, NaN
        default: self = Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }
}
