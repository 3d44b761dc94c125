import Images

extension TrainingSet {
    /// Every PNG and JPEG in `folders`, JPEGs downscaled by `jpegScale` to hide their
    /// artefacts; `skipped` hears of each file that cannot be decoded. Throws when there is
    /// no photo at least `crop` pixels on each side.
    public init(folders: [String], jpegScale: Double, crop: Int, skipped: (String) -> Void) throws {
        self.init()
        for folder in folders {
            for path in try PhotoFolder(folder).paths {
                guard let image = PhotoFolder.rgbPhoto(at: path, jpegScale: jpegScale) else {
                    skipped(path)
                    continue
                }
                append(.init(width: image.width, height: image.height, samples: image.samples))
            }
        }
        guard count > 0 else { throw TrainingError("no PNG or JPEG photos in \(folders.joined(separator: ", "))") }
        guard photos.contains(where: { $0.width >= crop && $0.height >= crop }) else {
            throw TrainingError("no training photo is at least \(crop)×\(crop) pixels (--crop)")
        }
    }
}

/// A training set-up that cannot run, in words for the user.
public struct TrainingError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
