import Codec
import Images

/// A photo's metadata as `.aeic` chunks (FORMAT.md): the ICC profile, EXIF and XMP blocks as
/// the source file carried them.
extension Metadata {
    static let tags = (icc: "ICCP", exif: "EXIF", xmp: "XMP ")

    var chunks: [Container.Chunk] {
        [(Metadata.tags.icc, icc), (Metadata.tags.exif, exif), (Metadata.tags.xmp, xmp)].compactMap { tag, data in
            data.map { Container.Chunk(tag: tag, data: $0) }
        }
    }

    /// The metadata of a file's chunks; tags this version does not know are skipped.
    init(chunks: [Container.Chunk]) {
        let first = { (tag: String) in chunks.first { $0.tag == tag }?.data }
        self.init(icc: first(Metadata.tags.icc), exif: first(Metadata.tags.exif), xmp: first(Metadata.tags.xmp))
    }

    /// What `compress` keeps: nothing with `strip`, and never a colour profile that is not
    /// one (it is left out with a warning).
    func kept(strip: Bool, source: String) -> Metadata {
        guard !strip else { return Metadata() }
        var kept = self
        if let icc, !Metadata.isPlausibleICC(icc) {
            warn("\(source): its ICC profile is malformed; leaving it out")
            kept.icc = nil
        }
        return kept
    }
}
