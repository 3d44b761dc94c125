import Foundation

/// A folder of photos: its PNG and JPEG files, by name. The one place that decides which
/// files of a folder are photos, for training, evaluation and the CLI alike.
public struct PhotoFolder: Sendable {
    public let path: String
    /// The photos' file names, sorted, so that every run sees them in the same order.
    public let names: [String]

    /// Lists `path`; a missing or unreadable folder is an error naming it.
    public init(_ path: String) throws {
        self.path = path
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: path).sorted()
                .filter { ImageFormat(pathExtension: $0) != nil }
        } catch {
            throw ImageError.unreadableFolder(path)
        }
    }

    /// The photos' paths, in `names`' order.
    public var paths: [String] { names.map { path + "/" + $0 } }

    /// The photo at `path` as RGB (grey replicated), or nil when it cannot be read or decoded.
    /// JPEGs are downscaled by `jpegScale` (when below 1), which hides their block artefacts
    /// from a model that learns from them.
    public static func rgbPhoto(at path: String, jpegScale: Double = 1) -> Image? {
        guard let data = FileManager.default.contents(atPath: path),
              let image = try? ImageFile.decode(Array(data)).rgb() else { return nil }
        guard ImageFormat(sniffing: Array(data.prefix(4))) == .jpeg && jpegScale < 1 else { return image }
        return image.resized(width: Int(Double(image.width) * jpegScale),
                             height: Int(Double(image.height) * jpegScale))
    }
}
