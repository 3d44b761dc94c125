import Foundation
import XCTest

/// Many inputs through `-d`: folders, resume by skipping, a bad file among good ones, shards.
final class BatchCLITests: TemporaryFolderTestCase {
    /// in/rgb.png, in/grey.png, in/bad.png (not an image), in/sub/rgba.png.
    func makeInputs() throws -> String {
        let input = path("in")
        try FileManager.default.createDirectory(atPath: input + "/sub", withIntermediateDirectories: true)
        for (name, target) in [("rgb.png", "rgb.png"), ("grey.png", "grey.png"), ("not-an-image.txt", "bad.png"),
                               ("rgba.png", "sub/rgba.png")] {
            try FileManager.default.copyItem(atPath: AEIC.fixture(name), toPath: "\(input)/\(target)")
        }
        return input
    }

    func files(_ folder: String) -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? [])
            .filter { !$0.hasSuffix("sub") }.sorted()
    }

    /// Every good photo is coded, the bad one is one error line and exit status 1; a second
    /// run skips what exists, and -f redoes it.
    func testFolderWithABadFileThenResume() throws {
        let input = try makeInputs(), out = path("out")
        let first = try AEIC.run(["compress", input, "-d", out, "--recursive", "-q", "30"])
        XCTAssertEqual(first.status, 1, first.stderr)
        XCTAssertEqual(files(out), ["grey.aeic", "rgb.aeic", "sub/rgba.aeic"])
        XCTAssertEqual(first.stderr.components(separatedBy: "error:").count - 1, 1, first.stderr)
        XCTAssertTrue(first.stderr.contains("bad.png"), first.stderr)
        XCTAssertTrue(first.stderr.contains("3 done, 0 skipped (existing), 1 failed"), first.stderr)

        let again = try AEIC.run(["compress", input, "-d", out, "--recursive", "-q", "30"])
        XCTAssertTrue(again.stderr.contains("0 done, 3 skipped (existing), 1 failed"), again.stderr)
        let forced = try AEIC.run(["compress", input, "-d", out, "--recursive", "-q", "30", "-f"])
        XCTAssertTrue(forced.stderr.contains("3 done, 0 skipped (existing), 1 failed"), forced.stderr)

        let decoded = path("decoded")
        let back = try AEIC.run(["decompress", out, "-d", decoded, "--recursive", "--format", "jpeg"])
        XCTAssertEqual(back.status, 0, back.stderr)
        XCTAssertEqual(files(decoded), ["grey.jpg", "rgb.jpg", "sub/rgba.jpg"])
    }

    /// The shards of a folder are disjoint and together make the whole, whatever order the
    /// inputs are named in.
    func testShardsPartitionTheInputs() throws {
        let input = try makeInputs()
        try FileManager.default.removeItem(atPath: input + "/bad.png")
        for index in 0..<5 { try FileManager.default.copyItem(atPath: AEIC.fixture("rgb.png"), toPath: "\(input)/copy\(index).png") }
        var union: [String] = []
        for k in 1...3 {
            let out = path("shard\(k)")
            let result = try AEIC.run(["compress", input, "-d", out, "--recursive", "-q", "5", "--shard", "\(k)/3"])
            XCTAssertEqual(result.status, 0, result.stderr)
            union += files(out)
        }
        let whole = path("whole")
        XCTAssertEqual(try AEIC.run(["compress", input, "-d", whole, "--recursive", "-q", "5"]).status, 0)
        XCTAssertEqual(union.sorted(), files(whole))
        XCTAssertEqual(Set(union).count, union.count, "a photo in two shards")
        let photos = try FileManager.default.contentsOfDirectory(atPath: input).filter { $0.hasSuffix(".png") }.sorted()
            .map { input + "/" + $0 }
        for (name, order) in [("forward", photos), ("backward", photos.reversed())] {
            let result = try AEIC.run(["compress"] + order + ["-d", path(name), "--shard", "2/3", "-q", "5"])
            XCTAssertEqual(result.status, 0, result.stderr)
        }
        XCTAssertEqual(files(path("forward")), files(path("backward")), "a shard must not depend on the argument order")
    }

    func testBadShardsAndMixedOutputsAreUsageErrors() throws {
        for arguments in [["--shard", "0/3", "-d", path("o")], ["--shard", "4/3", "-d", path("o")],
                          ["-o", path("x.aeic"), "-d", path("o")], []] {
            let result = try AEIC.run(["compress", AEIC.fixture("rgb.png")] + arguments)
            XCTAssertEqual(result.status, 2, "\(arguments): \(result.stderr)")
        }
        XCTAssertEqual(try contents(), [])
    }

    /// README's recipes: the Slurm array script (its tasks simulated by setting the array
    /// variables) and GNU parallel each compress the whole folder, once.
    func testSlurmAndParallelRecipes() throws {
        let input = try makeInputs()
        try FileManager.default.removeItem(atPath: input + "/bad.png")
        let script = AEIC.root.appendingPathComponent("scripts/slurm_compress.sh").path
        for k in 1...3 {
            let result = try shell(script, [input, path("slurm"), "-q", "5"],
                                   environment: ["SLURM_ARRAY_TASK_ID": "\(k)", "SLURM_ARRAY_TASK_COUNT": "3"])
            XCTAssertEqual(result, 0)
        }
        XCTAssertEqual(files(path("slurm")), ["grey.aeic", "rgb.aeic", "sub/rgba.aeic"])
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/parallel") else {
            throw XCTSkip("GNU parallel is not installed (apt-get install parallel); its recipe is untested here")
        }
        let recipe = "parallel \(AEIC.binary.path) compress \(input) -d \(path("parallel")) --recursive -q 5 --shard {}/4 ::: 1 2 3 4"
        XCTAssertEqual(try shell("/bin/sh", ["-c", recipe], environment: [:]), 0)
        XCTAssertEqual(files(path("parallel")), ["grey.aeic", "rgb.aeic", "sub/rgba.aeic"])
    }

    func shell(_ executable: String, _ arguments: [String], environment: [String: String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["AEIC"] = AEIC.binary.path
        env.merge(environment) { $1 }
        process.environment = env
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
