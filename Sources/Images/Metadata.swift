/// What a photographer expects a converter to keep besides the pixels: the ICC colour profile
/// and the EXIF and XMP blocks, as the file carried them (EXIF as its TIFF structure, without
/// JPEG's "Exif" prefix). Each is optional; a block a reader cannot trust is left out.
public struct Metadata: Equatable, Sendable {
    public var icc: [UInt8]?
    public var exif: [UInt8]?
    public var xmp: [UInt8]?

    public init(icc: [UInt8]? = nil, exif: [UInt8]? = nil, xmp: [UInt8]? = nil) {
        (self.icc, self.exif, self.xmp) = (icc, exif, xmp)
    }

    public var isEmpty: Bool { icc == nil && exif == nil && xmp == nil }

    /// Whether `profile` looks like an ICC profile: its header's size field is its length and
    /// it carries the 'acsp' signature (ICC.1, section 7.2).
    public static func isPlausibleICC(_ profile: [UInt8]) -> Bool {
        guard profile.count >= 132 else { return false }
        let size = profile[0..<4].reduce(0) { $0 << 8 | Int($1) }
        return size == profile.count && Array(profile[36..<40]) == Array("acsp".utf8)
    }

    /// `exif` with IFD0's orientation tag (0x0112) set to 1, "as stored", for pixels that
    /// were already turned upright; unchanged when it has no such tag or is malformed.
    public static func resettingOrientation(_ exif: [UInt8]) -> [UInt8] {
        guard exif.count >= 8, exif[0] == exif[1], exif[0] == UInt8(ascii: "I") || exif[0] == UInt8(ascii: "M") else { return exif }
        let little = exif[0] == UInt8(ascii: "I")
        func read(_ at: Int, _ bytes: Int) -> Int? {
            guard at >= 0, at + bytes <= exif.count else { return nil }
            let field = exif[at..<at + bytes]
            return (little ? field.reversed() : Array(field)).reduce(0) { $0 << 8 | Int($1) }
        }
        guard let ifd = read(4, 4), let count = read(ifd, 2) else { return exif }
        var out = exif
        for i in 0..<count {
            let entry = ifd + 2 + 12 * i
            guard let tag = read(entry, 2) else { return exif }
            guard tag == 0x0112, read(entry + 2, 2) == 3, entry + 10 <= exif.count else { continue }
            (out[entry + 8], out[entry + 9]) = little ? (1, 0) : (0, 1)
        }
        return out
    }
}
