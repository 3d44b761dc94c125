import ArgumentParser
import Codec
import Evaluation
import Foundation
import Images

/// `aeic compress IN -o OUT.aeic [-q Q]`, or `aeic compress IN... -d FOLDER`.
struct Compress: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Compress PNG or JPEG photos into .aeic files.")

    @Argument(help: "Input PNG or JPEG files or folders, or - for stdin.") var inputs: [String]
    @OptionGroup var destination: DestinationOptions
    @Option(name: .shortAndLong, help: "Quality 1–100 (higher: more bits, better fidelity).")
    var quality = 75
    @OptionGroup var refinementOptions: RefinementOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var inputOptions: InputOptions
    @Flag(help: "Leave out the colour profile and the EXIF and XMP metadata (kept by default).") var strip = false
    @Flag(name: .shortAndLong, help: "Print size, bits per pixel, PSNR and time.") var verbose = false

    func validate() throws {
        guard Quality.range.contains(quality) else { throw ValidationError("--quality must be 1–100") }
        try destination.validate(inputs: inputs)
    }

    func run() throws {
        let codec = try modelOptions.load()
        try destination.run(inputs, accepts: { ImageFormat(pathExtension: $0) != nil }, outputExtension: { _ in "aeic" }) {
            try compress($0, to: $1, force: $2, codec)
        }
    }

    func compress(_ input: String, to output: String, force: Bool, _ codec: ImageCodec) throws -> Batch.Outcome {
        let image = try inputOptions.readImage(input)
        let refinement = refinementOptions.refinement
        let start = Date()
        let bytes = codec.compress(image.rgbTensor, alpha: image.alpha, channels: image.channels, quality: quality,
                                   refinement: refinement, chunks: image.metadata.kept(strip: strip, source: input).chunks)
        let seconds = Date().timeIntervalSince(start)
        try FileIO.write(bytes, to: output, force: force)
        let outcome = Batch.Outcome(inputBytes: input == "-" ? 0 : FileIO.size(input), outputBytes: bytes.count,
                                    pixels: image.pixelCount)
        guard verbose else { return outcome }
        let decoded = try codec.decompress(bytes, maxPixels: inputOptions.maxPixels)
        let psnr = Metrics.psnr(image, Image(decoded))
        warn(String(format: "%@: %dx%d, %d bytes, %.4f bpp, PSNR %.2f dB, %.2f s",
                    output, image.width, image.height, bytes.count,
                    Double(bytes.count * 8) / Double(image.pixelCount), psnr, seconds))
        return outcome
    }
}

/// `aeic decompress IN.aeic -o OUT.png|.jpg`, or `aeic decompress IN... -d FOLDER`.
struct Decompress: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Decompress .aeic files to PNG or JPEG.")

    @Argument(help: "Input .aeic files or folders, or - for stdin.") var inputs: [String]
    @OptionGroup var imageOutput: ImageOutputOptions
    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var inputOptions: InputOptions
    @Flag(name: .shortAndLong, help: "Print size and time.") var verbose = false

    func validate() throws { try imageOutput.validate(inputs: inputs) }

    func run() throws {
        let codec = try modelOptions.load()
        try imageOutput.destination.run(inputs, accepts: { $0.lowercased().hasSuffix(".aeic") },
                                        outputExtension: { [imageOutput] _ in imageOutput.outputExtension(fallback: .png) }) {
            try decompress($0, to: $1, force: $2, codec)
        }
    }

    func decompress(_ input: String, to output: String, force: Bool, _ codec: ImageCodec) throws -> Batch.Outcome {
        let bytes = try FileIO.read(input)
        let start = Date()
        let decoded: ImageCodec.Decoded
        do { decoded = try inputOptions.limitingPixels { try codec.decompress(bytes, maxPixels: $0) } }
        catch { throw CLIError(input, error) }
        let seconds = Date().timeIntervalSince(start)
        var image = Image(decoded)
        image.metadata = Metadata(chunks: decoded.chunks)
        let written = try imageOutput.write(image, to: output, force: force)
        if verbose {
            warn(String(format: "%@: %dx%d from %d bytes, %.2f s", output, image.width, image.height, bytes.count, seconds))
        }
        return Batch.Outcome(inputBytes: bytes.count, outputBytes: written)
    }
}
