import ArgumentParser
import Foundation
import Serialization

/// Where compress, decompress and denoise write: one file (`-o`), or a folder (`-d`) for any
/// number of files and folders, as cwebp and avifenc users script it.
struct DestinationOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Output file, or - for stdout (one input).") var output: String?
    @Option(name: [.customShort("d"), .customLong("output-dir")], help: ArgumentHelp(
        "Output folder for any number of inputs: FOLDER/<path below its input argument> with the output's extension. Outputs that exist are skipped (-f redoes them), so an interrupted run continues where it stopped.",
        valueName: "folder"))
    var outputDir: String?
    @Flag(name: .shortAndLong, help: "Overwrite existing outputs.") var force = false
    @Flag(help: "With -d: take the files in subfolders of folder inputs too.") var recursive = false
    @Option(help: ArgumentHelp(
        "With -d: only shard K of N (1 ≤ K ≤ N), chosen by a hash of each input's relative path, so that N machines (a Slurm array, GNU parallel) split one job with no coordinator.",
        valueName: "K/N"))
    var shard: Shard?

    func validate(inputs: [String]) throws {
        guard (output == nil) != (outputDir == nil) else { throw ValidationError("give either -o FILE or -d FOLDER") }
        if output != nil {
            guard inputs.count == 1 else { throw ValidationError("-o takes one input; use -d FOLDER for several") }
            guard shard == nil && !recursive else { throw ValidationError("--shard and --recursive go with -d") }
        }
    }
}

extension DestinationOptions {
    /// `work(input, output, force)` on the one input and -o, or on every input of `inputs`
    /// under -d as `Batch` does; a batch with a failure ends in exit status 1.
    func run(_ inputs: [String], accepts: @escaping (String) -> Bool, outputExtension: @escaping (BatchInput) -> String,
             work: (String, String, Bool) throws -> Batch.Outcome) throws {
        if let output {
            _ = try work(inputs[0], output, force)
            return
        }
        let batch = Batch(destination: self, accepts: accepts, outputExtension: outputExtension)
        guard try batch.run(inputs, work: { input, target in try work(input.path, target, true) }) else { throw ExitCode(1) }
    }
}

/// `--shard K/N`.
struct Shard: ExpressibleByArgument, Equatable {
    let k: Int, n: Int

    init?(argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, (1...n).contains(k) else { return nil }
        (self.k, self.n) = (k, n)
    }

    /// Whether the input at `relativePath` is this shard's: FNV-1a of the path, mod N.
    func contains(_ relativePath: String) -> Bool {
        Int(FNV1a.hash(Array(relativePath.utf8)) % UInt64(n)) == k - 1
    }
}

/// One input of a batch: its path and where it lies below the argument that named it.
struct BatchInput {
    let path: String, relative: String
}

/// Runs `work` on every input of `arguments` (files, and folders' files that `accepts`), writing
/// DIR/<relative path> with `outputExtension`. A failure is one line and the others go on;
/// a summary follows. Returns whether every input succeeded.
struct Batch {
    let destination: DestinationOptions
    let accepts: (String) -> Bool
    let outputExtension: (BatchInput) -> String

    /// What one input cost and made: bytes in and out, and for compression the pixels coded
    /// (for the summary's bits per pixel).
    struct Outcome { var inputBytes = 0, outputBytes = 0, pixels = 0 }

    func inputs(_ arguments: [String]) throws -> [BatchInput] {
        var found: [BatchInput] = []
        for argument in arguments {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isFolder) else {
                throw CLIError("\(argument): no such file")
            }
            guard isFolder.boolValue else {
                found.append(BatchInput(path: argument, relative: (argument as NSString).lastPathComponent))
                continue
            }
            let names = destination.recursive ? (FileManager.default.enumerator(atPath: argument)?.allObjects as? [String] ?? [])
                                              : (try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []
            for name in names.sorted() where accepts(name) {
                found.append(BatchInput(path: argument + "/" + name, relative: name))
            }
        }
        return found.filter { destination.shard?.contains($0.relative) ?? true }
    }

    func run(_ arguments: [String], work: (BatchInput, String) throws -> Outcome) throws -> Bool {
        let folder = destination.outputDir!
        let todo = try inputs(arguments)
        var (done, skipped, failed, total) = (0, 0, 0, Outcome())
        let start = Date()
        for (i, input) in todo.enumerated() {
            progress(i, todo.count, input.relative)
            let target = folder + "/" + ((input.relative as NSString).deletingPathExtension) + "." + outputExtension(input)
            if FileManager.default.fileExists(atPath: target) && !destination.force { skipped += 1; continue }
            do {
                try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent,
                                                       withIntermediateDirectories: true)
                let outcome = try work(input, target)
                (done, total.inputBytes, total.outputBytes, total.pixels) =
                    (done + 1, total.inputBytes + outcome.inputBytes, total.outputBytes + outcome.outputBytes, total.pixels + outcome.pixels)
            } catch {
                failed += 1
                let clearBar = isatty(STDERR_FILENO) == 1 ? "\r\u{1B}[K" : ""
                FileHandle.standardError.write(Data("\(clearBar)aeic: error: \(error is CLIError ? "\(error)" : "\(input.path): \(error)")\n".utf8))
            }
        }
        progress(todo.count, todo.count, "done")
        endProgress()
        let bpp = total.pixels > 0 ? String(format: ", %.4f bpp", Double(total.outputBytes * 8) / Double(total.pixels)) : ""
        warn(String(format: "%d done, %d skipped (existing), %d failed; %d bytes in, %d bytes out%@; %.1f s",
                    done, skipped, failed, total.inputBytes, total.outputBytes, bpp, Date().timeIntervalSince(start)))
        return failed == 0
    }
}
