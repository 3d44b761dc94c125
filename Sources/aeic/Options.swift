import Foundation
import ArgumentParser
import Codec
import Images
import NN

/// Options shared by every command that reads images.
struct InputOptions: ParsableArguments {
    @Option(help: "Refuse images with more pixels than this, before decoding them.")
    var maxPixels: Int = ImageFile.defaultMaxPixels
    @Option(help: "Refuse images that would need more memory than this, in MiB, before decoding them (default: what the machine has free).")
    var maxMemory: Int?

    func validate() throws {
        guard maxMemory.map({ $0 > 0 }) ?? true else { throw ValidationError("--max-memory must be positive") }
    }

    /// Reads and decodes an image file, reporting libjpeg's warnings as djpeg does.
    func readImage(_ path: String) throws -> Image {
        let bytes = try FileIO.read(path)
        do {
            return try limitingPixels { limit in
                try ImageFile.decode(bytes, maxPixels: limit) { warning in warn("\(path): warning: \(warning)") }
            }
        } catch {
            throw CLIError(path, error)
        }
    }

    /// `body` given the most pixels an image may have: `--max-pixels`, or fewer where the
    /// memory aeic may use holds fewer, which a refusal then names.
    func limitingPixels<T>(_ body: (Int) throws -> T) throws -> T {
        guard let budget = maxMemory.map({ MemoryBudget(bytes: $0 << 20) }) ?? MemoryBudget.free(),
              budget.pixels < maxPixels else { return try body(maxPixels) }
        do { return try body(budget.pixels) }
        catch ImageError.tooLarge(let width, let height, _), ContainerError.tooLarge(let width, let height, _) {
            throw OutOfMemoryBudget(width: width, height: height, budget: budget)
        }
    }
}

/// Options shared by every command that writes images.
struct OutputOptions: ParsableArguments {
    @Option(name: .shortAndLong, help: "Output file, or - for stdout.")
    var output: String

    @Flag(name: .shortAndLong, help: "Overwrite an existing output file.")
    var force = false
}

func warn(_ message: String) {
    FileHandle.standardError.write(Data("aeic: \(message)\n".utf8))
}

/// `--precision` offers the layers' precisions; int16 is the integer networks' alone.
extension GEMMPrecision: ExpressibleByArgument {
    public init?(argument: String) {
        guard let precision = GEMMPrecision(rawValue: argument), precision != .int16 else { return nil }
        self = precision
    }

    public static var allValueStrings: [String] { [float32, bfloat16].map(\.rawValue) }
}

/// `--precision`: the arithmetic of the layers' GEMMs.
struct PrecisionOptions: ParsableArguments {
    @Option(help: "GEMMs of convolutions and GDN in float32 (OpenBLAS) or bfloat16 (products of bfloat16 summed in Float32; needs AVX512_BF16). Default: float32, except in compress's encoder and in denoise, which use bfloat16 where the CPU has it.")
    var precision: GEMMPrecision?

    func validate() throws {
        guard precision != .bfloat16 || BLASRuntime.bfloat16Supported else {
            throw ValidationError("--precision bfloat16 needs a CPU with AVX512_BF16")
        }
    }

    /// The precision asked for, or float32.
    var chosen: GEMMPrecision { precision ?? .float32 }

    /// The precision asked for, or else the fastest this CPU has: for outputs that need not
    /// be the same on every CPU (the codec's file, a denoised photo), unlike decoded pixels.
    var fastest: GEMMPrecision { precision ?? (BLASRuntime.bfloat16Supported ? .bfloat16 : .float32) }

    /// How the model's layers compute, with both cores.
    var compute: Compute { Compute(precision: chosen) }
}

/// `--precision` and `--threads` for the commands that code or denoise images.
struct ComputeOptions: ParsableArguments {
    @OptionGroup var precision: PrecisionOptions
    @Option(help: "Threads (default: every core); the output does not depend on them.")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be 1–256") }
    }

    /// How the model's layers compute (in the fastest precision unless told, with `fastest`);
    /// sets OpenBLAS's threads (one setting per process).
    func apply(fastest: Bool = false) -> Compute {
        BLASRuntime.threads = threads
        return Compute(precision: fastest ? precision.fastest : precision.chosen, workers: threads)
    }
}
