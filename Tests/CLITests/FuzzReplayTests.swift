import Foundation
import XCTest

/// Replays every input the fuzzers kept (fixtures/fuzz/TARGET/, from scripts/fuzz.sh) through
/// `aeic-fuzz`, the fuzz targets built without libFuzzer: each must return, within a second.
final class FuzzReplayTests: XCTestCase {
    func testKeptFuzzInputsReplay() throws {
        let root = AEIC.root.appendingPathComponent("fixtures/fuzz")
        let targets = (try? FileManager.default.contentsOfDirectory(atPath: root.path))?.sorted() ?? []
        var replayed = 0
        for target in targets {
            let folder = root.appendingPathComponent(target)
            let files = (try FileManager.default.contentsOfDirectory(atPath: folder.path)).sorted()
                .filter { !$0.hasPrefix(".") }.map { folder.appendingPathComponent($0).path }
            guard !files.isEmpty else { continue }
            let process = Process()
            process.executableURL = AEIC.binary.deletingLastPathComponent().appendingPathComponent("aeic-fuzz")
            process.arguments = [target] + files
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            let lines = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
            process.waitUntilExit()
            XCTAssertEqual(process.terminationStatus, 0, "\(target): an input trapped (the last line printed is the one before it)")
            XCTAssertEqual(lines.count, files.count, target)
            for line in lines {
                let seconds = Double(line.split(separator: " ").dropLast().last ?? "") ?? .infinity
                XCTAssertLessThan(seconds, 1, String(line))
            }
            replayed += files.count
        }
        if replayed == 0 { throw XCTSkip("no kept fuzz inputs under fixtures/fuzz") }
    }
}
