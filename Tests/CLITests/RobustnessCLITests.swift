import Foundation
import XCTest
import Images

/// What the command promises beyond a single run: the same bytes everywhere it can, the same
/// pictures within a level where BLAS kernels differ, and no lost or half-written output.
final class RobustnessCLITests: TemporaryFolderTestCase {
    func run(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = AEIC.binary
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value.isEmpty ? nil : value }
        process.environment = env
        let err = Pipe()
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stderr)
    }

    /// OpenBLAS's kernel families this CPU can run ("" lets the library choose).
    var cores: [String] {
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        return [""] + (flags.contains(" avx2") ? ["Haswell"] : []) + (flags.contains(" avx512f") ? ["SkylakeX"] : [])
    }

    /// The same photo gives the same bytes run after run and with one or two threads, in each
    /// precision: compressed, decompressed and denoised.
    func testOutputsAreDeterministicAcrossRunsAndThreads() throws {
        let compressed = path("reference.aeic")
        XCTAssertEqual(try AEIC.run(["compress", AEIC.fixture("rgba.png"), "-o", compressed, "-q", "60"]).status, 0)
        for precision in ["float32", "bfloat16"] {
            for (command, input, suffix) in [("compress", AEIC.fixture("rgba.png"), "aeic"), ("decompress", compressed, "png"),
                                             ("denoise", AEIC.fixture("rgba.png"), "png")] {
                var outputs: [Data] = []
                for (index, threads) in ["1", "2", "2"].enumerated() {
                    let out = path("\(command)-\(precision)-\(index).\(suffix)")
                    let result = try run([command, input, "-o", out, "--precision", precision, "--threads", threads], environment: [:])
                    if result.status != 0 && result.stderr.contains("AVX512_BF16") { throw XCTSkip("no AVX512_BF16 here") }
                    XCTAssertEqual(result.status, 0, result.stderr)
                    outputs.append(try Data(contentsOf: URL(fileURLWithPath: out)))
                }
                XCTAssertEqual(Set(outputs).count, 1, "\(command), \(precision): bytes differ across runs or threads")
            }
        }
    }

    /// Unless told, compress encodes and denoise computes in bfloat16 where the CPU has
    /// AVX512_BF16 (a file or a denoised photo need not be the same on every CPU) and in
    /// float32 elsewhere; decompress computes in float32, so its pictures do not depend on
    /// the CPU beyond GEMM rounding.
    func testDefaultPrecisions() throws {
        func output(_ command: String, _ input: String, _ suffix: String, _ options: [String]) throws -> Data? {
            let out = path("\(command)\(options.joined()).\(suffix)")
            let result = try run([command, input, "-o", out] + options, environment: [:])
            if result.status != 0 && result.stderr.contains("AVX512_BF16") { return nil }
            XCTAssertEqual(result.status, 0, result.stderr)
            return try Data(contentsOf: URL(fileURLWithPath: out))
        }
        let photo = AEIC.fixture("rgb.png")
        let bfloat16 = try output("compress", photo, "aeic", ["--precision", "bfloat16"])
        let float32 = try output("compress", photo, "aeic", ["--precision", "float32"])
        XCTAssertEqual(try output("compress", photo, "aeic", []), bfloat16 ?? float32)
        if bfloat16 != nil { XCTAssertNotEqual(bfloat16, float32, "the two encoders should round differently") }
        let file = path("compress.aeic")
        XCTAssertEqual(try output("decompress", file, "png", []), try output("decompress", file, "png", ["--precision", "float32"]))
        let noisy = path("noisy.png")
        XCTAssertEqual(try run(["noise", photo, "-o", noisy, "--kind", "gaussian", "--level", "30"], environment: [:]).status, 0)
        let denoised = try output("denoise", noisy, "png", ["--precision", "bfloat16"])
        let exact = try output("denoise", noisy, "png", ["--precision", "float32"])
        XCTAssertEqual(try output("denoise", noisy, "png", []), denoised ?? exact)
        if denoised != nil { XCTAssertNotEqual(denoised, exact, "the two precisions should round differently") }
    }

    /// The golden files decode to their pictures within one level under every OpenBLAS kernel
    /// family this CPU runs, in float32 (and within a few levels in bfloat16).
    func testGoldenFilesDecodeAlikeUnderEveryKernel() throws {
        for core in cores {
            for (precision, levels) in [("float32", 1.5), ("bfloat16", 4.5)] {
                for stem in ["rgb-q50", "grey-q20", "rgba-q80", "rgb-icc-q60"] {
                    let out = path("\(stem)-\(core)-\(precision).png")
                    let result = try run(["decompress", AEIC.fixture("golden/\(stem).aeic"), "-o", out, "--precision", precision],
                                         environment: ["OPENBLAS_CORETYPE": core])
                    if result.status != 0 && result.stderr.contains("AVX512_BF16") { continue }
                    XCTAssertEqual(result.status, 0, "\(core) \(precision): \(result.stderr)")
                    let decoded = try ImageFile.decode(Array(try Data(contentsOf: URL(fileURLWithPath: out))))
                    let golden = try ImageFile.decode(Array(try Data(contentsOf: URL(fileURLWithPath: AEIC.fixture("golden/\(stem).png")))))
                    let difference = zip(decoded.samples, golden.samples).map { abs($0 - $1) }.max() ?? 0
                    XCTAssertLessThanOrEqual(difference * 255, Float(levels), "\(stem) under \(core.isEmpty ? "default" : core), \(precision)")
                }
            }
        }
    }

    /// Past a file-size limit (a full disk, as the writer sees it) the error is one clear
    /// line, the old output is untouched and no temporary file is left.
    func testFileSizeLimitIsAClearErrorAndLosesNothing() throws {
        let out = path("out.png")
        try Data("old".utf8).write(to: URL(fileURLWithPath: out))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "ulimit -f 1; exec \"$0\" convert \"$1\" -o \"$2\" -f --depth 16",
                             AEIC.binary.path, AEIC.fixture("rgb.png"), out]
        let err = Pipe()
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 1, stderr)
        XCTAssertTrue(stderr.contains("File too large"), stderr)
        XCTAssertEqual(try String(contentsOfFile: out, encoding: .utf8), "old")
        XCTAssertEqual(try contents(), ["out.png"])
    }

    /// Killed (SIGKILL) at any moment, compress leaves the old output or the whole new one,
    /// never a part, and a later run succeeds.
    func testKilledMidRunLeavesOldOrWholeOutput() throws {
        let out = path("out.aeic")
        XCTAssertEqual(try AEIC.run(["compress", AEIC.fixture("rgb.png"), "-o", out, "-q", "20"]).status, 0)
        let old = try Data(contentsOf: URL(fileURLWithPath: out))
        for delay in [0.02, 0.1, 0.3, 0.6, 1.0] {
            let process = Process()
            process.executableURL = AEIC.binary
            process.arguments = ["compress", AEIC.fixture("rgba.png"), "-o", out, "-q", "90", "-f"]
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let now = try Data(contentsOf: URL(fileURLWithPath: out))
            if now != old {
                XCTAssertEqual(try AEIC.run(["info", out]).status, 0, "a partial output after \(delay) s")
            }
        }
        let again = try AEIC.run(["compress", AEIC.fixture("rgb.png"), "-o", out, "-q", "20", "-f"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: out)), old)
    }
}
