/// Why an image could not be read or written. Each case carries libpng's or libjpeg's own
/// words where they exist, so a user sees what the library saw.
public enum ImageError: Error, Equatable, CustomStringConvertible {
    case empty
    case unknownFormat
    case tooLarge(width: Int, height: Int, limit: Int)
    case corrupt(String)
    case unsupported(String)
    case unreadableFolder(String)

    public var description: String {
        switch self {
        case .empty: return "empty file"
        case .unknownFormat: return "not a PNG or JPEG file"
        case .tooLarge(let w, let h, let limit):
            return "image is \(w)x\(h), over the limit of \(limit) pixels"
        case .corrupt(let message): return message
        case .unsupported(let message): return message
        case .unreadableFolder(let path): return "\(path): cannot list folder"
        }
    }
}

extension ImageError {
    /// A decoding shim's failure: a refusal for size (the shim leaves the size it read) or
    /// the library's message.
    init(decoding message: [CChar], width: UInt32, height: UInt32, maxPixels: Int) {
        let (w, h) = (Int(width), Int(height))
        self = w * h > maxPixels ? .tooLarge(width: w, height: h, limit: maxPixels) : .corrupt(String(cString: message))
    }
}
