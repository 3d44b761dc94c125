import ArgumentParser
import Codec
import Evaluation
import Foundation
import Images

/// `aeic compress IN -o OUT.aeic [-q Q]`.
struct Compress: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Compress a PNG or JPEG into an .aeic file.")

    @Argument(help: "Input PNG or JPEG, or - for stdin.") var input: String
    @OptionGroup var outputOptions: OutputOptions
    @Option(name: .shortAndLong, help: "Quality 1–100 (higher: more bits, better fidelity).")
    var quality = 75
    @OptionGroup var refinementOptions: RefinementOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var inputOptions: InputOptions
    @Flag(name: .shortAndLong, help: "Print size, bits per pixel, PSNR and time.") var verbose = false

    func validate() throws {
        guard Quality.range.contains(quality) else { throw ValidationError("--quality must be 1–100") }
    }

    func run() throws {
        let codec = try modelOptions.load()
        let image = try inputOptions.readImage(input)
        let refinement = refinementOptions.refinement
        if refinement.steps > 0 && !refinement.applies(toPixels: image.pixelCount) {
            warn("--refine: \(input) is larger than \(LatentRefinement.maxPixels) pixels; coding it without refinement")
        }
        let start = Date()
        let bytes = codec.compress(image.rgbTensor, alpha: image.alpha, channels: image.channels, quality: quality,
                                   refinement: refinement)
        let seconds = Date().timeIntervalSince(start)
        try FileIO.write(bytes, to: outputOptions.output, force: outputOptions.force)
        guard verbose else { return }
        let decoded = try codec.decompress(bytes, maxPixels: inputOptions.maxPixels)
        let psnr = Metrics.psnr(image, Image(decoded))
        warn(String(format: "%@: %dx%d, %d bytes, %.4f bpp, PSNR %.2f dB, %.2f s",
                    outputOptions.output, image.width, image.height, bytes.count,
                    Double(bytes.count * 8) / Double(image.pixelCount), psnr, seconds))
    }
}

/// `aeic decompress IN.aeic -o OUT.png|.jpg`.
struct Decompress: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Decompress an .aeic file to PNG or JPEG.")

    @Argument(help: "Input .aeic file, or - for stdin.") var input: String
    @OptionGroup var imageOutput: ImageOutputOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var inputOptions: InputOptions
    @Flag(name: .shortAndLong, help: "Print size and time.") var verbose = false

    func run() throws {
        let codec = try modelOptions.load()
        let bytes = try FileIO.read(input)
        let start = Date()
        let decoded: ImageCodec.Decoded
        do { decoded = try codec.decompress(bytes, maxPixels: inputOptions.maxPixels) }
        catch { throw CLIError(input, error) }
        let seconds = Date().timeIntervalSince(start)
        let image = Image(decoded)
        try imageOutput.write(image)
        if verbose {
            warn(String(format: "%@: %dx%d from %d bytes, %.2f s", imageOutput.path,
                        image.width, image.height, bytes.count, seconds))
        }
    }
}
