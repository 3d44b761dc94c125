import ArgumentParser
import Denoise
import Evaluation
import Foundation
import Images

/// `aeic eval denoise`: PSNR and SSIM of the noisy input and of the denoised output for
/// every test case (`DenoisingBenchmark.cases`), with the time per image, as JSON.
struct EvalDenoise: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "denoise", abstract: "Denoising quality on a folder, per noise and level.")

    @Option(help: "Folder of clean PNG or JPEG test images.") var data: String
    @Option(help: "Write the results JSON here (- for stdout).") var json: String
    @Option(help: "Name recorded in the JSON.") var name = "aeic"
    @Option(help: "Also write the noisy images here as PNG (FOLDER/CASE/IMAGE.png), for the baselines.")
    var saveNoisy: String?
    @Option(help: "Only these cases, separated by commas (default: all), e.g. gaussian-25,saltpepper-0.3; each keeps its noise.")
    var cases: String?
    @OptionGroup var effortOptions: EffortOptions
    @OptionGroup var denoiser: DenoiserOptions
    @Flag(name: .shortAndLong, help: "Overwrite the JSON file.") var force = false

    /// The indices in `DenoisingBenchmark.cases` of the cases asked for (an index seeds its
    /// case's noise, so a case alone gets the noisy images it gets among all).
    var caseIndices: [Int] {
        get throws {
            let names = DenoisingBenchmark.cases.map(DenoisingBenchmark.name)
            guard let cases else { return Array(names.indices) }
            return try cases.split(separator: ",").map { name in
                guard let i = names.firstIndex(of: String(name)) else {
                    throw ValidationError("--cases: no case \(name) (cases: \(names.joined(separator: ",")))")
                }
                return i
            }
        }
    }

    func validate() throws { _ = try caseIndices }

    func run() throws {
        let model = try denoiser.load(fastest: false)
        let (folder, photos) = try readPhotos(data)
        let benchmark = DenoisingBenchmark(denoiser: model, effort: effortOptions.effort)
        let indices = try caseIndices, total = indices.count * photos.count
        var rows: [[DenoisingBenchmark.Row]] = []
        for (done, c) in indices.enumerated() {
            let noise = DenoisingBenchmark.cases[c], caseName = DenoisingBenchmark.name(noise)
            var perCase: [DenoisingBenchmark.Row] = []
            for (i, photo) in photos.enumerated() {
                progress(done * photos.count + i, total, "\(caseName) \(folder.names[i])")
                let noisy = DenoisingBenchmark.noisy(photo, caseIndex: c, imageIndex: i)
                perCase.append(benchmark.measure(photo, noisy: noisy, name: folder.names[i], noise: noise))
                if let saveNoisy { try save(noisy, to: "\(saveNoisy)/\(caseName)", name: folder.names[i]) }
            }
            rows.append(perCase)
        }
        progress(total, total, "done")
        endProgress()
        let report = DenoisingReport(
            name: name, description: "aeic \(AEIC.configuration.version), denoiser \(denoiser.model ?? "shipped pair") \(model.impulse.architecture.json), refine \(effortOptions.refine), self-ensemble \(effortOptions.ensemble), \(photos.count) images from \(URL(fileURLWithPath: data).lastPathComponent)",
            rows: rows)
        try FileIO.write(Array(report.json.utf8), to: json, force: force || json == "-")
    }

    func save(_ image: Image, to folder: String, name: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let stem = (name as NSString).deletingPathExtension
        try FileIO.write(try ImageFile.encode(image, as: .png), to: "\(folder)/\(stem).png", force: true)
    }
}
