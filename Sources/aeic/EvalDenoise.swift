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
    @OptionGroup var effortOptions: EffortOptions
    @OptionGroup var denoiser: DenoiserOptions
    @Flag(name: .shortAndLong, help: "Overwrite the JSON file.") var force = false

    func run() throws {
        let model = try denoiser.load(fastest: false)
        let (folder, photos) = try readPhotos(data)
        let benchmark = DenoisingBenchmark(denoiser: model, effort: effortOptions.effort)
        let cases = DenoisingBenchmark.cases
        var rows: [[DenoisingBenchmark.Row]] = []
        for c in cases.indices {
            let caseName = DenoisingBenchmark.name(cases[c])
            var perCase: [DenoisingBenchmark.Row] = []
            for (i, photo) in photos.enumerated() {
                progress(c * photos.count + i, cases.count * photos.count, "\(caseName) \(folder.names[i])")
                let noisy = DenoisingBenchmark.noisy(photo, caseIndex: c, imageIndex: i)
                perCase.append(benchmark.measure(photo, noisy: noisy, name: folder.names[i], noise: cases[c]))
                if let saveNoisy { try save(noisy, to: "\(saveNoisy)/\(caseName)", name: folder.names[i]) }
            }
            rows.append(perCase)
        }
        progress(cases.count * photos.count, cases.count * photos.count, "done")
        endProgress()
        let report = DenoisingReport(
            name: name, description: "aeic \(AEIC.configuration.version), denoiser \(model.architecture.json), refine \(effortOptions.refine), self-ensemble \(effortOptions.ensemble), \(photos.count) images from \(URL(fileURLWithPath: data).lastPathComponent)",
            rows: rows)
        try FileIO.write(Array(report.json.utf8), to: json, force: force || json == "-")
    }

    func save(_ image: Image, to folder: String, name: String) throws {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let stem = (name as NSString).deletingPathExtension
        try FileIO.write(try ImageFile.encode(image, as: .png), to: "\(folder)/\(stem).png", force: true)
    }
}
