import ArgumentParser
import Foundation

@main
struct AEIC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "aeic",
        abstract: "Autoencoder image codec: learned compression for PNG and JPEG photos.",
        version: "0.1.0",
        subcommands: [Compress.self, Decompress.self, DenoiseCommand.self, AddNoise.self, Info.self, Convert.self,
                      Train.self, Eval.self, Bench.self])

    /// Exit codes in the manner of cjpeg and zstd: 0 success, 1 a runtime error (one line
    /// on stderr), 2 a usage error.
    static func main() {
        FastKernels.ensure()
        Heap.retainFreedBlocks()
        // Past a file-size limit, write() then fails with EFBIG and the temporary file is
        // removed, instead of SIGXFSZ ending the process with the temporary file left behind.
        signal(SIGXFSZ, SIG_IGN)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("aeic: error: \(error)\n".utf8))
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((message.isEmpty ? "" : message + "\n").utf8))
            Foundation.exit(code.rawValue == 1 ? 1 : 2)
        }
    }
}

/// A runtime failure: printed as `aeic: error: WHAT` and exit status 1.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
    init(_ path: String, _ error: Error) { description = "\(path == "-" ? "stdin" : path): \(error)" }
}
