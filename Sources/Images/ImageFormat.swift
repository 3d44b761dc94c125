/// The file formats aeic reads and writes, recognised by their magic bytes.
public enum ImageFormat: String, CaseIterable, Sendable {
    case png, jpeg

    /// The format whose signature starts `bytes`, if any.
    public init?(sniffing bytes: [UInt8]) {
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { self = .png }
        else if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { self = .jpeg }
        else { return nil }
    }

    /// The format a file name's extension asks for (`.png`, `.jpg`, `.jpeg`), if any.
    public init?(pathExtension path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".png") { self = .png }
        else if lower.hasSuffix(".jpg") || lower.hasSuffix(".jpeg") { self = .jpeg }
        else { return nil }
    }
}
