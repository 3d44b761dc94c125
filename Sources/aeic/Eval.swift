import ArgumentParser
import Codec
import Evaluation
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

    func run() throws {
        let benchmark = RateDistortionBenchmark(codec: try modelOptions.load(), refinement: refinementOptions.refinement)
        let (folder, images) = try readPhotos(data)
        var rows: [[RateDistortionBenchmark.Row]] = []
        let total = quality.count * images.count
        for (qi, q) in quality.enumerated() {
            var perQuality: [RateDistortionBenchmark.Row] = []
            for (i, image) in images.enumerated() {
                progress(qi * images.count + i, total, "q\(q) \(folder.names[i])")
                perQuality.append(try benchmark.measure(image, name: folder.names[i], quality: q))
            }
            rows.append(perQuality)
        }
        progress(total, total, "done")
        endProgress()
        let description = "aeic \(AEIC.configuration.version), model \(String(format: "%016llx", benchmark.codec.identity)), \(images.count) images from \(URL(fileURLWithPath: data).lastPathComponent), qualities \(quality)"
        let report = RateDistortionReport(name: name, description: description, qualities: quality, rows: rows)
        try FileIO.write(Array(report.json.utf8), to: json, force: force || json == "-")
    }
}

/// A progress bar on stderr, redrawn in place on a terminal; elsewhere (a log) a plain line
/// at each tenth of the way.
func progress(_ done: Int, _ total: Int, _ label: String) {
    guard isatty(STDERR_FILENO) == 1 else {
        let tenth = max(total / 10, 1)
        if done % tenth == 0 || done == total { warn("\(done)/\(total) \(label)") }
        return
    }
    let width = 30, filled = width * done / max(total, 1)
    let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
    FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) \(label)\u{1B}[K".utf8))
}

/// Ends the progress bar's line on a terminal.
func endProgress() {
    if isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\n".utf8)) }
}

/// The test photos of folder `data` as RGB, for the evaluations; a folder without photos, or
/// a photo that cannot be decoded, is an error naming it.
func readPhotos(_ data: String) throws -> (PhotoFolder, [Image]) {
    let folder: PhotoFolder
    do { folder = try PhotoFolder(data) } catch { throw CLIError("\(error)") }
    guard !folder.names.isEmpty else { throw CLIError("\(data): no PNG or JPEG images") }
    return (folder, try folder.paths.map { path in
        do { return try ImageFile.decode(try FileIO.read(path)).rgb() } catch { throw CLIError(path, error) }
    })
}
