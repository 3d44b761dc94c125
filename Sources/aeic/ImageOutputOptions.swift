import ArgumentParser
import Images

/// Options of the commands that write PNG or JPEG images (decompress, denoise): where, and
/// in which format.
struct ImageOutputOptions: ParsableArguments {
    @OptionGroup var destination: DestinationOptions
    @Option(help: "JPEG quality when writing JPEG (4:4:4).") var jpegQuality = 95
    @Option(help: "Output format: png or jpeg (default: from -o's extension; with -d, png for decompress and the input's for denoise).")
    var format: ImageFormat?

    func validate(inputs: [String]) throws {
        try destination.validate(inputs: inputs)
        if let output = destination.output, format == nil, ImageFormat(pathExtension: output) == nil {
            throw ValidationError("cannot tell the output format from '\(output)'; use --format")
        }
        guard (1...100).contains(jpegQuality) else { throw ValidationError("--jpeg-quality must be 1–100") }
    }

    /// The extension of a batch output: --format's, else `fallback`'s.
    func outputExtension(fallback: ImageFormat) -> String { (format ?? fallback) == .png ? "png" : "jpg" }

    /// Encodes `image` in the format chosen for `path` and writes it atomically.
    func write(_ image: Image, to path: String, force: Bool) throws -> Int {
        let target = format ?? ImageFormat(pathExtension: path) ?? .png
        let bytes: [UInt8]
        do { bytes = try ImageFile.encode(image, as: target, options: .init(quality: jpegQuality, subsampling: .s444)) }
        catch { throw CLIError(path, error) }
        try FileIO.write(bytes, to: path, force: force)
        return bytes.count
    }
}
