import ArgumentParser
import Images

/// Options of every command that writes a PNG or JPEG: the output, -f, and the format.
struct ImageOutputOptions: ParsableArguments {
    @OptionGroup var outputOptions: OutputOptions
    @Option(help: "JPEG quality when writing JPEG (4:4:4).") var jpegQuality = 95
    @Option(help: "Output format when writing to stdout: png or jpeg.") var format: ImageFormat?

    func validate() throws {
        guard format != nil || ImageFormat(pathExtension: outputOptions.output) != nil else {
            throw ValidationError("cannot tell the output format from '\(outputOptions.output)'; use --format")
        }
        guard (1...100).contains(jpegQuality) else { throw ValidationError("--jpeg-quality must be 1–100") }
    }

    var path: String { outputOptions.output }

    /// Encodes `image` in the chosen format and writes it atomically.
    func write(_ image: Image) throws {
        let target = format ?? ImageFormat(pathExtension: path)!
        let bytes: [UInt8]
        do { bytes = try ImageFile.encode(image, as: target, options: .init(quality: jpegQuality, subsampling: .s444)) }
        catch { throw CLIError(path, error) }
        try FileIO.write(bytes, to: path, force: outputOptions.force)
    }
}
