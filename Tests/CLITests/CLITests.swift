import Foundation
import XCTest
import Images

/// Runs the built `aeic` binary as a user would.
struct AEIC {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    /// The `aeic` built beside the test bundle (`swift test` builds it with the tests).
    static var binary: URL {
        let bundle = Bundle(for: CLITests.self).bundleURL
        let candidates = [bundle, bundle.deletingLastPathComponent()].map { $0.appendingPathComponent("aeic") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    struct Result { var status: Int32; var stdout: Data; var stderr: String }

    @discardableResult
    static func run(_ arguments: [String], stdin: Data? = nil) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    static func fixture(_ name: String) -> String { root.appendingPathComponent("fixtures/\(name)").path }
}

class TemporaryFolderTestCase: XCTestCase {
    var folder: URL!
    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("aeic-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: folder) }
    func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
    func contents() throws -> [String] { try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() }
}

final class CLITests: TemporaryFolderTestCase {
    func testConvertRoundTrip() throws {
        let jpeg = path("cat.jpg"), png = path("cat.png")
        XCTAssertEqual(try AEIC.run(["convert", AEIC.fixture("rgb.png"), "-o", jpeg, "-q", "95"]).status, 0)
        XCTAssertEqual(try AEIC.run(["convert", jpeg, "-o", png]).status, 0)
        let original = try ImageFile.decode(Array(try Data(contentsOf: URL(fileURLWithPath: AEIC.fixture("rgb.png")))))
        let back = try ImageFile.decode(Array(try Data(contentsOf: URL(fileURLWithPath: png))))
        XCTAssertGreaterThan(Metrics.psnr(original, back), 35)
    }

    func testPNGToPNGIsLossless() throws {
        for (name, depth) in [("rgba.png", "8"), ("grey16.png", "16"), ("palette.png", "8")] {
            let out = path(name)
            XCTAssertEqual(try AEIC.run(["convert", AEIC.fixture(name), "-o", out, "--depth", depth]).status, 0)
            let a = try ImageFile.decode(Array(try Data(contentsOf: URL(fileURLWithPath: AEIC.fixture(name)))))
            let b = try ImageFile.decode(Array(try Data(contentsOf: URL(fileURLWithPath: out))))
            XCTAssertTrue(a == b, "\(name) changed")
        }
    }

    func testStdinAndStdout() throws {
        let input = try Data(contentsOf: URL(fileURLWithPath: AEIC.fixture("rgb.png")))
        let result = try AEIC.run(["convert", "-", "-o", "-", "--format", "jpeg"], stdin: input)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(Array(result.stdout.prefix(3)), [0xFF, 0xD8, 0xFF])
    }

    func testExistingOutputNeedsForce() throws {
        let out = path("out.png")
        try Data("keep me".utf8).write(to: URL(fileURLWithPath: out))
        let result = try AEIC.run(["convert", AEIC.fixture("rgb.png"), "-o", out])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "aeic: error: \(out): already exists (use -f to overwrite)\n")
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "keep me")
        XCTAssertEqual(try AEIC.run(["convert", AEIC.fixture("rgb.png"), "-o", out, "-f"]).status, 0)
    }

    func testBadInputIsOneLineAndLeavesNoFile() throws {
        let cases = [
            ("bad-crc.png", "IDAT: CRC error"), ("not-an-image.txt", "not a PNG or JPEG file"),
            ("empty.png", "empty file"), ("missing.png", "no such file"),
            ("huge-header.png", "image is 100000x100000, over the limit of 200000000 pixels"),
        ]
        for (name, message) in cases {
            let result = try AEIC.run(["convert", AEIC.fixture(name), "-o", path("out.png")])
            XCTAssertEqual(result.status, 1, name)
            XCTAssertEqual(result.stderr, "aeic: error: \(AEIC.fixture(name)): \(message)\n")
            XCTAssertEqual(try contents(), [], "no output and no temporary file after \(name)")
        }
    }

    func testMaxPixels() throws {
        let result = try AEIC.run(["convert", AEIC.fixture("rgb.png"), "-o", path("o.png"), "--max-pixels", "100"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.stderr.hasSuffix("image is 45x30, over the limit of 100 pixels\n"), result.stderr)
    }

    /// A photo that would not fit in the memory aeic may use is refused before it is decoded,
    /// by every command that decodes pixels, and nothing is written.
    func testPhotosBeyondTheMemoryBudgetAreRefused() throws {
        let cases: [(String, String, String)] = [("compress", "rgb.png", "o.aeic"), ("compress", "baseline.jpg", "o.aeic"),
                                                 ("decompress", "golden/rgb-q50.aeic", "o.png"), ("denoise", "rgb.png", "o.png")]
        for (command, input, output) in cases {
            let result = try AEIC.run([command, AEIC.fixture(input), "-o", path(output), "--max-memory", "100"])
            XCTAssertEqual(result.status, 1, command)
            XCTAssertTrue(result.stderr.contains("of memory, and 0.1 GiB is available"), result.stderr)
            XCTAssertEqual(try contents(), [], "nothing written by \(command)")
        }
        XCTAssertEqual(try AEIC.run(["compress", AEIC.fixture("rgb.png"), "-o", path("o.aeic"), "--max-memory", "400"]).status, 0)
        XCTAssertEqual(try AEIC.run(["compress", AEIC.fixture("rgb.png"), "-o", path("x.aeic"), "--max-memory", "0"]).status, 2)
    }

    func testUsageErrorsExitTwo() throws {
        XCTAssertEqual(try AEIC.run(["convert", AEIC.fixture("rgb.png")]).status, 2)
        XCTAssertEqual(try AEIC.run(["convert", AEIC.fixture("rgb.png"), "-o", path("x.bmp")]).status, 2)
        XCTAssertEqual(try AEIC.run(["convert", AEIC.fixture("rgb.png"), "-o", path("x.jpg"), "-q", "0"]).status, 2)
        XCTAssertEqual(try AEIC.run(["frobnicate"]).status, 2)
        let train = ["train", "codec", "--data", path("none"), "--out", path("x.ckpt")]
        XCTAssertEqual(try AEIC.run(train + ["--lr-drop", "100"]).status, 2)
        XCTAssertEqual(try AEIC.run(train + ["--lambdas", "0.1", "0.01"]).status, 2)
        let help = try AEIC.run(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(String(decoding: help.stdout, as: UTF8.self).contains("compress"))
    }
}

final class CodecCLITests: TemporaryFolderTestCase {
    func testInfoJSONIsExact() throws {
        for stem in ["rgb-q50", "grey-q20", "rgba-q80", "rgb-icc-q60"] {
            let result = try AEIC.run(["info", AEIC.fixture("golden/\(stem).aeic"), "--json"])
            XCTAssertEqual(result.status, 0, result.stderr)
            let expected = try String(contentsOfFile: AEIC.fixture("golden/\(stem).info.json"), encoding: .utf8)
            XCTAssertEqual(String(decoding: result.stdout, as: UTF8.self), expected)
        }
    }

    /// Odd sizes, grey and alpha through the shipped model, as a user runs it.
    func testCompressDecompressKeepsShapeGreyAndAlpha() throws {
        for (name, channels, alpha) in [("rgb.png", 3, false), ("grey.png", 1, false), ("rgba.png", 3, true)] {
            let coded = path("\(name).aeic"), out = path("\(name)")
            let compress = try AEIC.run(["compress", AEIC.fixture(name), "-o", coded, "-q", "90", "-v"])
            XCTAssertEqual(compress.status, 0, compress.stderr)
            XCTAssertTrue(compress.stderr.contains("bpp, PSNR"), compress.stderr)
            XCTAssertEqual(try AEIC.run(["decompress", coded, "-o", out]).status, 0)
            let image = try ImageFile.decode(Array(try Data(contentsOf: URL(fileURLWithPath: out))))
            XCTAssertEqual([image.width, image.height, image.channels], [45, 30, channels], name)
            XCTAssertEqual(image.alpha != nil, alpha, name)
        }
    }

    /// `--refine N` runs the encoder's latent search; its files decode as any other, and an
    /// out-of-range count is a usage error.
    func testRefinedCompressionDecodes() throws {
        let coded = path("refined.aeic"), out = path("refined.png")
        let compress = try AEIC.run(["compress", AEIC.fixture("rgb.png"), "-o", coded, "-q", "40", "--refine", "4", "-v"])
        XCTAssertEqual(compress.status, 0, compress.stderr)
        XCTAssertEqual(try AEIC.run(["decompress", coded, "-o", out]).status, 0)
        let image = try ImageFile.decode(Array(try Data(contentsOf: URL(fileURLWithPath: out))))
        XCTAssertEqual([image.width, image.height], [45, 30])
        let refused = try AEIC.run(["compress", AEIC.fixture("rgb.png"), "-o", path("no.aeic"), "--refine", "5000"])
        XCTAssertEqual(refused.status, 2, refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("no.aeic")))
    }

    /// `--precision bfloat16` changes only rounding inside g_a and g_s: its files decode with
    /// Float32 too, close to what Float32 alone gives.
    func testBFloat16PrecisionStaysCloseToFloat32() throws {
        let image = AEIC.fixture("rgb.png")
        var decoded: [Image] = []
        for precision in ["float32", "bfloat16"] {
            let coded = path("\(precision).aeic"), out = path("\(precision).png")
            let compress = try AEIC.run(["compress", image, "-o", coded, "-q", "60", "--precision", precision])
            if compress.status == 2, compress.stderr.contains("AVX512_BF16") {
                throw XCTSkip("this CPU has no AVX512_BF16")
            }
            XCTAssertEqual(compress.status, 0, compress.stderr)
            XCTAssertEqual(try AEIC.run(["decompress", coded, "-o", out]).status, 0)
            decoded.append(try ImageFile.decode(Array(try Data(contentsOf: URL(fileURLWithPath: out)))))
        }
        XCTAssertGreaterThan(Metrics.psnr(decoded[0], decoded[1]), 40)
    }

    /// Ctrl-C stops training after the step in flight, with its checkpoint written; the
    /// checkpoint resumes.
    func testInterruptedTrainingKeepsItsCheckpoint() throws {
        let data = path("photos"), checkpoint = path("run.ckpt")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: AEIC.fixture("rgb.png"), toPath: data + "/rgb.png")
        let common = ["train", "codec", "--data", data, "--out", checkpoint, "--batch", "1", "--crop", "16",
                      "--N", "4", "--M", "4"]
        let process = Process()
        process.executableURL = AEIC.binary
        process.arguments = common
        let err = Pipe()
        process.standardError = err
        try process.run()
        Thread.sleep(forTimeInterval: 2)
        process.interrupt()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, stderr)
        XCTAssertTrue(stderr.contains("interrupted"), stderr)
        XCTAssertTrue(FileManager.default.fileExists(atPath: checkpoint), stderr)
        let resumed = try AEIC.run(common + ["--resume", "--minutes", "0"])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertTrue(resumed.stderr.contains("resuming at step"), resumed.stderr)
    }

    /// The hyperprior path end to end: a factorized run, a hyperprior run started from it,
    /// export, and a photo through compress and decompress with that model.
    func testHyperpriorWarmStartExportAndCode() throws {
        let data = path("photos")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: AEIC.fixture("rgb.png"), toPath: data + "/rgb.png")
        let tooLarge = try AEIC.run(["train", "codec", "--data", data, "--out", path("f.ckpt"), "--crop", "48"])
        XCTAssertEqual(tooLarge.status, 1)
        XCTAssertTrue(tooLarge.stderr.contains("no training photo is at least 48×48"), tooLarge.stderr)
        let common = ["train", "codec", "--data", data, "--batch", "1", "--crop", "16", "--N", "4", "--M", "4", "--steps", "2"]
        let factorized = try AEIC.run(common + ["--out", path("f.ckpt")])
        XCTAssertEqual(factorized.status, 0, factorized.stderr)
        let hyper = try AEIC.run(common + ["--out", path("h.ckpt"), "--arch", "hyperprior", "--hyper-N", "3",
                                           "--init", path("f.ckpt")])
        XCTAssertEqual(hyper.status, 0, hyper.stderr)
        XCTAssertTrue(hyper.stderr.contains("30 of 55 parameters from"), hyper.stderr)
        // Staged training: the transforms held fixed; a prefix that names nothing is an error.
        let staged = common + ["--out", path("s.ckpt"), "--arch", "hyperprior", "--hyper-N", "3", "--init", path("f.ckpt"), "--freeze"]
        let frozen = try AEIC.run(staged + ["g_a", "g_s"])
        XCTAssertEqual(frozen.status, 0, frozen.stderr)
        XCTAssertTrue(frozen.stderr.contains("holding 28 of 55 parameters fixed"), frozen.stderr)
        let unnamed = try AEIC.run(staged + ["nothing"])
        XCTAssertEqual(unnamed.status, 1, unnamed.stderr)
        XCTAssertTrue(unnamed.stderr.contains("--freeze nothing: no parameter's name starts with it"), unnamed.stderr)
        XCTAssertEqual(try AEIC.run(["train", "export", path("h.ckpt"), "-o", path("h.aeicmodel")]).status, 0)
        // An ablation: zeroing h_s's last layer makes another model; a prefix that names no
        // parameter is an error.
        let export = ["train", "export", path("h.ckpt"), "--zero"]
        XCTAssertEqual(try AEIC.run(export + ["h_s.4", "-o", path("z.aeicmodel")]).status, 0)
        XCTAssertNotEqual(FileManager.default.contents(atPath: path("z.aeicmodel")), FileManager.default.contents(atPath: path("h.aeicmodel")))
        let unknown = try AEIC.run(export + ["nothing", "-o", path("u.aeicmodel")])
        XCTAssertEqual(unknown.status, 1)
        XCTAssertTrue(unknown.stderr.contains("no parameter's name starts with nothing"), unknown.stderr)
        let model = ["--model", path("h.aeicmodel")]
        let compressed = try AEIC.run(["compress", AEIC.fixture("rgb.png"), "-o", path("x.aeic")] + model)
        XCTAssertEqual(compressed.status, 0, compressed.stderr)
        let decoded = try AEIC.run(["decompress", path("x.aeic"), "-o", path("x.png")] + model)
        XCTAssertEqual(decoded.status, 0, decoded.stderr)
        let wrongModel = try AEIC.run(["decompress", path("x.aeic"), "-o", path("y.png")])
        XCTAssertEqual(wrongModel.status, 1)
        XCTAssertTrue(wrongModel.stderr.contains("--model"), wrongModel.stderr)
    }

    func testOnePixelImage() throws {
        let one = path("one.png"), coded = path("one.aeic")
        let image = Image(width: 1, height: 1, channels: 3, samples: [0.2, 0.5, 0.9])
        try Data(PNG.encode(image)).write(to: URL(fileURLWithPath: one))
        XCTAssertEqual(try AEIC.run(["compress", one, "-o", coded]).status, 0)
        XCTAssertEqual(try AEIC.run(["decompress", coded, "-o", path("back.png")]).status, 0)
    }

    func testDamagedAeicIsOneLineError() throws {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: AEIC.fixture("golden/rgb-q50.aeic"))))
        bytes[60] ^= 0x10
        let damaged = path("damaged.aeic")
        try Data(bytes).write(to: URL(fileURLWithPath: damaged))
        let result = try AEIC.run(["decompress", damaged, "-o", path("out.png")])
        XCTAssertEqual(result.status, 1)
        XCTAssertEqual(result.stderr, "aeic: error: \(damaged): payload CRC mismatch\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path("out.png")))
    }
}

/// `aeic convert` against libjpeg-turbo's own cjpeg on Kodak: the same PSNR within 0.05 dB.
final class JPEGParityTests: TemporaryFolderTestCase {
    func testKodakAtQuality90MatchesCjpeg() throws {
        let kodak = AEIC.root.deletingLastPathComponent().appendingPathComponent("shared/datasets/kodak")
        guard FileManager.default.fileExists(atPath: kodak.path) else {
            throw XCTSkip("../shared/datasets/kodak is absent; skipping the JPEG parity test")
        }
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/cjpeg") else {
            throw XCTSkip("cjpeg (libjpeg-turbo-progs) is not installed")
        }
        for k in 1...24 {
            let name = String(format: "kodim%02d.png", k)
            let original = try ImageFile.decode(Array(try Data(contentsOf: kodak.appendingPathComponent(name))))
            let ours = path("ours.jpg"), theirs = path("theirs.jpg"), ppm = path("in.ppm")
            XCTAssertEqual(try AEIC.run(["convert", kodak.appendingPathComponent(name).path, "-o", ours, "-q", "90", "-f"]).status, 0)
            try Data(ppmBytes(original)).write(to: URL(fileURLWithPath: ppm))
            let cjpeg = Process()
            cjpeg.executableURL = URL(fileURLWithPath: "/usr/bin/cjpeg")
            cjpeg.arguments = ["-quality", "90", "-optimize", "-outfile", theirs, ppm]
            try cjpeg.run()
            cjpeg.waitUntilExit()
            let a = Metrics.psnr(original, try ImageFile.decode(Array(try Data(contentsOf: URL(fileURLWithPath: ours)))))
            let b = Metrics.psnr(original, try ImageFile.decode(Array(try Data(contentsOf: URL(fileURLWithPath: theirs)))))
            XCTAssertEqual(a, b, accuracy: 0.05, name)
        }
    }

    func ppmBytes(_ image: Image) -> [UInt8] {
        let n = image.pixelCount
        let rgb = (0..<n).flatMap { i in (0..<3).map { c in UInt8((image.samples[c * n + i] * 255).rounded()) } }
        return Array("P6\n\(image.width) \(image.height)\n255\n".utf8) + rgb
    }
}

/// The benchmark commands' JSON, as scripts/peer_pytorch.py reads it, on tiny inputs.
final class BenchJSONTests: XCTestCase {
    func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try AEIC.run(arguments + ["--repeats", "1", "--json"])
        XCTAssertEqual(result.status, 0, result.stderr)
        return try XCTUnwrap(JSONSerialization.jsonObject(with: result.stdout) as? [String: Any])
    }

    func testTrainAndModelPrintTheirFigures() throws {
        let train = try json(["bench", "train", "--batch", "2", "--crop", "32"])
        XCTAssertGreaterThan(try XCTUnwrap(train["images_per_s"] as? Double), 0)
        let model = try json(["bench", "model", "--size", "48x32"])
        for key in ["g_a_s", "g_s_s"] { XCTAssertGreaterThan(try XCTUnwrap(model[key] as? Double), 0, key) }
    }

    func testCodecPrintsItsFigures() throws {
        let codec = try json(["bench", "codec", AEIC.fixture("rgb.png")])
        for key in ["compress_s", "decompress_s", "bytes"] { XCTAssertGreaterThan(try XCTUnwrap(codec[key] as? Double), 0, key) }
    }
}
