import ArgumentParser
import Images

/// `aeic convert IN -o OUT`: PNG ↔ JPEG through libpng and libjpeg-turbo.
struct Convert: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Convert between PNG and JPEG (format chosen by the output's extension).")

    @Argument(help: "Input PNG or JPEG, or - for stdin.") var input: String
    @OptionGroup var outputOptions: OutputOptions
    @OptionGroup var inputOptions: InputOptions

    @Option(name: .shortAndLong, help: "JPEG quality, 1–100.") var quality = 90
    @Option(help: "JPEG chroma subsampling: 420 or 444.") var subsampling: JPEG.Subsampling = .s420
    @Option(help: "PNG bit depth: 8 or 16.") var depth = 8
    @Option(help: "Output format when writing to stdout: png or jpeg.") var format: ImageFormat?

    func validate() throws {
        guard (1...100).contains(quality) else { throw ValidationError("--quality must be 1–100") }
        guard depth == 8 || depth == 16 else { throw ValidationError("--depth must be 8 or 16") }
        guard format != nil || ImageFormat(pathExtension: outputOptions.output) != nil else {
            throw ValidationError("cannot tell the output format from '\(outputOptions.output)'; use --format")
        }
    }

    func run() throws {
        let image = try inputOptions.readImage(input)
        let target = format ?? ImageFormat(pathExtension: outputOptions.output)!
        let options = ImageFile.WriteOptions(quality: quality, subsampling: subsampling, pngBitDepth: depth)
        let bytes: [UInt8]
        do { bytes = try ImageFile.encode(image, as: target, options: options) }
        catch { throw CLIError(outputOptions.output, error) }
        try FileIO.write(bytes, to: outputOptions.output, force: outputOptions.force)
    }
}

extension JPEG.Subsampling: ExpressibleByArgument {}
extension ImageFormat: ExpressibleByArgument {}
