import ArgumentParser
import Codec
import Evaluation
import Foundation
import Images

/// `aeic bench codec`: a model's whole compress (pixels → file bytes: g_a, the side
/// information, the range coder) and decompress (file bytes → pixels) of one photo, in
/// process, the model loaded once: what `scripts/peer_pytorch.py --image` sets beside
/// CompressAI's `net.compress` and `net.decompress`.
struct BenchCodec: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "codec",
                                                    abstract: "Seconds for a model's compress and decompress of one photo.")
    @Argument(help: "The photo (PNG or JPEG).") var image: String
    @Option(help: "Quality 1–100.") var quality = 50
    @Option(help: "Model file (default: the model shipped with aeic).") var model: String?
    @OptionGroup var precision: PrecisionOptions
    @OptionGroup var options: BenchOptions

    func run() throws {
        let codec = try loadCodec(model, compute: options.configure(precision.chosen),
                                  analysis: options.configure(precision.fastest))
        let photo: Image
        do { photo = try ImageFile.decode(try FileIO.read(image)) } catch { throw CLIError(image, error) }
        let x = photo.rgbTensor
        var bytes: [UInt8] = []
        let compress = medianSeconds(options.repeats) {
            bytes = codec.compress(x, alpha: nil, channels: 3, quality: quality)
        }
        let decompress = try medianSeconds(options.repeats) {
            _ = try codec.decompress(bytes, maxPixels: x.w * x.h)
        }
        if options.json { printJSON(["compress_s": compress, "decompress_s": decompress, "bytes": Double(bytes.count)]) }
        else {
            print(String(format: "compress %.3f s, decompress %.3f s, %d bytes: %@ at quality %d (median of %d)",
                         compress, decompress, bytes.count, image, quality, options.repeats))
        }
    }
}
