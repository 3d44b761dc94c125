import ArgumentParser
import Codec
import Foundation
import Images

struct Eval: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate the codec's rate and distortion, or the denoiser, on a folder of images.",
        subcommands: [EvalCodec.self, EvalDenoise.self])
}

/// `aeic eval codec`: bpp of whole .aeic files, PSNR-RGB, MS-SSIM and timings per image and
/// quality, written as CompressAI's results JSON (plus per-image rows).
struct EvalCodec: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "codec", abstract: "Rate–distortion of the codec on a folder.")

    @Option(help: "Folder of PNG or JPEG test images.") var data: String
    @Option(parsing: .upToNextOption, help: "Qualities to evaluate.") var quality: [Int] = [1, 12, 23, 34, 45, 56, 67, 78, 89, 100]
    @Option(help: "Write the results JSON here (- for stdout).") var json: String
    @Option(help: "Name recorded in the JSON.") var name = "aeic"
    @OptionGroup var refinementOptions: RefinementOptions
    @OptionGroup var modelOptions: ModelOptions
    @Flag(name: .shortAndLong, help: "Overwrite the JSON file.") var force = false

    func validate() throws {
        guard quality.allSatisfy(Quality.range.contains) else { throw ValidationError("qualities must be 1–100") }
    }

    struct Row { var name: String; var bpp, psnr, msssim, encode, decode: Double }

    func run() throws {
        let codec = try modelOptions.load()
        let names = try FileManager.default.contentsOfDirectory(atPath: data).sorted()
            .filter { ImageFormat(pathExtension: $0) != nil }
        guard !names.isEmpty else { throw CLIError("\(data): no PNG or JPEG images") }
        let images = try names.map { n -> Image in
            let path = data + "/" + n
            do { return try ImageFile.decode(try FileIO.read(path)).rgb() } catch { throw CLIError(path, error) }
        }
        var rows: [[Row]] = []
        let total = quality.count * images.count
        for (qi, q) in quality.enumerated() {
            var perQuality: [Row] = []
            for (i, image) in images.enumerated() {
                progress(qi * images.count + i, total, "q\(q) \(names[i])")
                perQuality.append(try measure(codec, image, name: names[i], quality: q))
            }
            rows.append(perQuality)
        }
        progress(total, total, "done")
        FileHandle.standardError.write(Data("\n".utf8))
        try FileIO.write(Array(report(rows, model: codec.identity).utf8), to: json, force: force || json == "-")
    }

    func measure(_ codec: ImageCodec, _ image: Image, name: String, quality: Int) throws -> Row {
        let start = Date()
        let bytes = codec.compress(image.rgbTensor, alpha: nil, channels: 3, quality: quality,
                                   refinement: refinementOptions.refinement)
        let encode = Date().timeIntervalSince(start)
        let decoded = try codec.decompress(bytes, maxPixels: Int.max)
        let decode = Date().timeIntervalSince(start) - encode
        let output = Image(decoded)
        return Row(name: name, bpp: Double(bytes.count * 8) / Double(image.pixelCount),
                   psnr: Metrics.psnr(image, output), msssim: Metrics.msSSIM(image, output),
                   encode: encode, decode: decode)
    }

    /// CompressAI's results shape: one averaged value per quality in each list.
    func report(_ rows: [[Row]], model: UInt64) -> String {
        func mean(_ r: [Row], _ f: (Row) -> Double) -> Double { r.map(f).reduce(0, +) / Double(r.count) }
        func list(_ f: (Row) -> Double) -> String {
            "[" + rows.map { String(format: "%.6f", mean($0, f)) }.joined(separator: ", ") + "]"
        }
        let perImage = zip(quality, rows).map { q, r in
            r.map { String(format: "{\"quality\": %d, \"image\": \"%@\", \"bpp\": %.6f, \"psnr-rgb\": %.6f, \"ms-ssim\": %.6f, \"encoding_time\": %.4f, \"decoding_time\": %.4f}",
                           q, $0.name, $0.bpp, $0.psnr, $0.msssim, $0.encode, $0.decode) }.joined(separator: ",\n    ")
        }.joined(separator: ",\n    ")
        return """
        {
          "name": "\(name)",
          "description": "aeic \(AEIC.configuration.version), model \(String(format: "%016llx", model)), \(rows.first?.count ?? 0) images from \(URL(fileURLWithPath: data).lastPathComponent), qualities \(quality)",
          "results": {
            "quality": [\(quality.map(String.init).joined(separator: ", "))],
            "bpp": \(list(\.bpp)),
            "psnr-rgb": \(list(\.psnr)),
            "ms-ssim": \(list(\.msssim)),
            "ms-ssim-db": \(list { Metrics.msSSIMdB($0.msssim) }),
            "encoding_time": \(list(\.encode)),
            "decoding_time": \(list(\.decode))
          },
          "per_image": [
            \(perImage)
          ]
        }

        """
    }
}

/// A progress bar on stderr, redrawn in place.
func progress(_ done: Int, _ total: Int, _ label: String) {
    let width = 30, filled = width * done / max(total, 1)
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) \(label)\u{1B}[K".utf8))
}
