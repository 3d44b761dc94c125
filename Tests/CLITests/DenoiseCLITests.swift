import Foundation
import XCTest
import Images

final class DenoiseCLITests: TemporaryFolderTestCase {
    func image(_ path: String) throws -> Image {
        try ImageFile.decode(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    /// The same seed gives the same noisy file; another seed another.
    func testNoiseIsDeterministic() throws {
        for seed in ["1", "1", "2"].enumerated() {
            let result = try AEIC.run(["noise", AEIC.fixture("rgb.png"), "-o", path("n\(seed.offset).png"),
                                       "--kind", "saltpepper", "--level", "0.3", "--seed", seed.element])
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        let (a, b, c) = (try image(path("n0.png")), try image(path("n1.png")), try image(path("n2.png")))
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
    }

    func testBadNoiseArgumentsAreUsageErrorsAndWriteNothing() throws {
        for arguments in [["--kind", "gaussian", "--level", "300"], ["--kind", "masking", "--level", "1.5"],
                          ["--kind", "saltpepper", "--level", "-0.1"], ["--kind", "speckle", "--level", "0.1"]] {
            let result = try AEIC.run(["noise", AEIC.fixture("rgb.png"), "-o", path("n.png")] + arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
            XCTAssertEqual(try contents(), [], "\(arguments)")
        }
    }

    /// Colour stays colour, grey stays grey, alpha is kept, and the size is the input's.
    func testDenoiseKeepsThePixelFormat() throws {
        for name in ["rgb.png", "grey.png", "rgba.png"] {
            let out = path(name)
            let result = try AEIC.run(["denoise", AEIC.fixture(name), "-o", out])
            XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
            let (input, output) = (try image(AEIC.fixture(name)), try image(out))
            XCTAssertEqual([output.width, output.height, output.channels], [input.width, input.height, input.channels], name)
            XCTAssertEqual(output.alpha, input.alpha, name)
        }
    }

    /// Through pipes, with the refinements and the self-ensemble on.
    func testDenoiseThroughStdinAndStdout() throws {
        let input = try Data(contentsOf: URL(fileURLWithPath: AEIC.fixture("rgb.png")))
        let result = try AEIC.run(["denoise", "-", "-o", "-", "--format", "png", "--noise", "saltpepper", "--refine", "1", "--ensemble"], stdin: input)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(Array(result.stdout.prefix(4)), [0x89, 0x50, 0x4E, 0x47])
    }

    /// `eval denoise --cases` measures the cases named, on the noisy images that the whole
    /// evaluation gives them; an unknown case is a usage error that names the known ones.
    func testEvalDenoiseOfSomeCases() throws {
        let folder = path("photos")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: AEIC.fixture("rgb.png"), toPath: folder + "/rgb.png")
        func means(_ arguments: [String]) throws -> [String: Any] {
            let result = try AEIC.run(["eval", "denoise", "--data", folder, "--json", "-"] + arguments)
            XCTAssertEqual(result.status, 0, result.stderr)
            let report = try JSONSerialization.jsonObject(with: result.stdout) as! [String: Any]
            return report["results"] as! [String: Any]
        }
        let all = try means([]), some = try means(["--cases", "saltpepper-0.3,gaussian-15"])
        XCTAssertEqual(some["noise"] as! [String], ["saltpepper-0.3", "gaussian-15"])
        let allNoise = all["noise"] as! [String], allPSNR = all["psnr"] as! [Double], somePSNR = some["psnr"] as! [Double]
        XCTAssertEqual(somePSNR, [allPSNR[allNoise.firstIndex(of: "saltpepper-0.3")!], allPSNR[allNoise.firstIndex(of: "gaussian-15")!]])
        let unknown = try AEIC.run(["eval", "denoise", "--data", folder, "--json", "-", "--cases", "speckle-0.1"])
        XCTAssertEqual(unknown.status, 2)
        XCTAssertTrue(unknown.stderr.contains("no case speckle-0.1") && unknown.stderr.contains("masking-0.5"), unknown.stderr)
    }

    /// A codec model given to denoise, or the denoiser given to compress, is one clear line
    /// naming both kinds, and nothing is written.
    func testModelsOfTheWrongKindAreRefused() throws {
        let codecModel = AEIC.root.appendingPathComponent("Sources/Codec/Resources/default.aeicmodel").path
        let denoiserModel = AEIC.root.appendingPathComponent("Sources/Denoise/Resources/default.aeicdenoiser").path
        let denoise = try AEIC.run(["denoise", AEIC.fixture("rgb.png"), "-o", path("d.png"), "--model", codecModel])
        XCTAssertEqual(denoise.status, 1)
        XCTAssertTrue(denoise.stderr.contains("denoiser") && denoise.stderr.contains("checkerboard-gained"), denoise.stderr)
        let compress = try AEIC.run(["compress", AEIC.fixture("rgb.png"), "-o", path("c.aeic"), "--model", denoiserModel])
        XCTAssertEqual(compress.status, 1)
        XCTAssertTrue(compress.stderr.contains("codec model") && compress.stderr.contains("denoiser-unet"), compress.stderr)
        XCTAssertEqual(try contents(), [])
    }

    func testBadInputIsOneLineAndWritesNothing() throws {
        let result = try AEIC.run(["denoise", AEIC.fixture("not-an-image.txt"), "-o", path("d.png")])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr.split(separator: "\n").count, 1, result.stderr)
        let refine = try AEIC.run(["denoise", AEIC.fixture("rgb.png"), "-o", path("d.png"), "--refine", "9"])
        XCTAssertEqual(refine.status, 2)
        XCTAssertTrue(refine.stderr.contains("--refine must be within 0–8"), refine.stderr)
        XCTAssertEqual(try contents(), [])
    }

    /// A tiny training run through the shared loop, then export, also of the mean of two
    /// checkpoints: the models denoise.
    func testTrainExportAndDenoise() throws {
        let data = path("data")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: AEIC.fixture("rgb.png"), toPath: data + "/rgb.png")
        let checkpoint = path("d.ckpt"), model = path("d.model")
        let train = try AEIC.run(["train", "denoise", "--data", data, "--out", checkpoint, "--steps", "3",
                                  "--batch", "2", "--crop", "16", "--channels", "4", "8", "--blocks", "1", "--impulse-hint"])
        XCTAssertEqual(train.status, 0, train.stderr)
        XCTAssertTrue(train.stderr.contains(#""impulseHint":true"#), train.stderr)
        try FileManager.default.copyItem(atPath: checkpoint, toPath: path("d3.ckpt"))
        let resumed = try AEIC.run(["train", "denoise", "--data", data, "--out", checkpoint, "--resume", "--steps", "4",
                                    "--batch", "2", "--crop", "16", "--mixture", "gaussian=0.5", "saltpepper=0.25"])
        XCTAssertTrue(resumed.stderr.contains("resuming at step 3"), resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("gaussian 0.5, masking 0.0, saltpepper 0.25, clean 0.25"), resumed.stderr)
        for bad in [["gaussian=0.7", "masking=0.7"], ["speckle=0.1"], ["gaussian=0.1", "gaussian=0.2"], ["gaussian"]] {
            let refused = try AEIC.run(["train", "denoise", "--data", data, "--out", path("bad.ckpt"), "--mixture"] + bad)
            XCTAssertEqual(refused.status, 2, "\(bad)")
            XCTAssertTrue(refused.stderr.contains("--mixture"), refused.stderr)
        }
        let other = try AEIC.run(["train", "denoise", "--data", data, "--out", path("o.ckpt"), "--steps", "1",
                                  "--batch", "2", "--crop", "16", "--channels", "4", "8", "--blocks", "1"])
        XCTAssertEqual(other.status, 0, other.stderr)
        let mixed = try AEIC.run(["train", "average", checkpoint, path("o.ckpt"), "-o", path("bad-mean.ckpt")])
        XCTAssertEqual(mixed.status, 1)
        XCTAssertTrue(mixed.stderr.contains("architecture mismatch"), mixed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("bad-mean.ckpt")))
        let mean = try AEIC.run(["train", "average", path("d3.ckpt"), checkpoint, "-o", path("mean.ckpt")])
        XCTAssertEqual(mean.status, 0, mean.stderr)
        for source in [checkpoint, path("mean.ckpt")] {
            XCTAssertEqual(try AEIC.run(["train", "export", source, "-o", model, "-f"]).status, 0)
            let out = try AEIC.run(["denoise", AEIC.fixture("rgb.png"), "-o", path("d.png"), "-f", "--model", model])
            XCTAssertEqual(out.status, 0, out.stderr)
        }
    }
}
