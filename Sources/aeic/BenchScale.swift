import ArgumentParser
import Foundation
import Glibc
import Images

/// `aeic bench scale`: time and peak memory of compress, decompress and denoise as photos grow,
/// each run as its own process (as a user runs it), so that its peak resident memory is its own.
struct BenchScale: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scale", abstract: "Time and peak memory of compress, decompress and denoise at growing photo sizes.")

    @Option(parsing: .upToNextOption, help: "Photo sizes in megapixels (3:2).") var megapixels: [Double] = [1, 6, 24, 100]
    @Option(help: "The photo scaled to each size.") var photo = "samples/astronaut.png"
    @Option(help: "Arguments added to every run, e.g. --precision bfloat16.") var extra: String = ""
    @Flag(help: "Print one JSON object.") var json = false

    struct Row: Encodable {
        let megapixels: Double, width: Int, height: Int, command: String
        let seconds: Double, seconds_per_megapixel: Double, peak_mb: Double
    }

    func run() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("aeic-bench-scale-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let source = try ImageFile.decode(try FileIO.read(photo))
        var rows: [Row] = []
        for size in megapixels {
            let width = Int((size * 1.5e6).squareRoot().rounded()), height = Int((Double(width) / 1.5).rounded())
            let input = "\(folder)/photo.png"
            try FileIO.write(try ImageFile.encode(source.resized(width: width, height: height), as: .png), to: input, force: true)
            for (name, arguments) in [("compress", ["compress", input, "-o", "\(folder)/photo.aeic"]),
                                      ("decompress", ["decompress", "\(folder)/photo.aeic", "-o", "\(folder)/back.png"]),
                                      ("denoise", ["denoise", input, "-o", "\(folder)/clean.png"])] {
                let (seconds, peak) = try measure(arguments + ["-f"] + extra.split(separator: " ").map(String.init))
                let pixels = Double(width * height) / 1e6
                rows.append(Row(megapixels: (pixels * 100).rounded() / 100, width: width, height: height, command: name,
                                seconds: seconds, seconds_per_megapixel: seconds / pixels, peak_mb: peak))
                if !json {
                    print(String(format: "%6.1f MP  %5d×%-5d  ", pixels, width, height) + name.padding(toLength: 11, withPad: " ", startingAt: 0)
                          + String(format: "%8.2f s  %6.3f s/MP  %7.0f MB", seconds, seconds / pixels, peak))
                }
            }
        }
        if json { printJSON(rows) }
    }

    /// Wall time and peak resident memory (MB) of this aeic run with `arguments`.
    func measure(_ arguments: [String]) throws -> (Double, Double) {
        let executable = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = Date()
        guard posix_spawn(&pid, executable, nil, nil, argv, environ) == 0 else { throw CLIError("bench scale: cannot start \(executable)") }
        var status: Int32 = 0
        var usage = rusage()
        guard wait4(pid, &status, 0, &usage) == pid, status == 0 else {
            throw CLIError("bench scale: aeic \(arguments.joined(separator: " ")) failed")
        }
        return (Date().timeIntervalSince(start), Double(usage.ru_maxrss) / 1024)
    }
}
