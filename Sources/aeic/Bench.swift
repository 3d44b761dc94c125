import ArgumentParser
import Codec
import EntropyCoding
import Foundation
import NN
import Training

/// `aeic bench …`: speed measurements, each next to its peer measured in the same run.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure speed (medians of repeated runs, with the peer from the same run).",
        subcommands: [BenchNN.self, BenchTrain.self, BenchModel.self, BenchCodec.self, BenchEntropy.self, BenchSystem.self, BenchScale.self])
}

/// Options every benchmark shares.
struct BenchOptions: ParsableArguments {
    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: "Timed repetitions (the median is reported).") var repeats = 5
    @Option(help: "OpenBLAS threads.") var threads = 2
    @Option(help: "Worker threads that split batches and images (1: OpenBLAS alone is parallel).")
    var workers = 2

    /// Sets OpenBLAS's threads; returns how the benchmarked layers compute.
    func configure(_ precision: GEMMPrecision = .float32) -> Compute {
        BLASRuntime.threads = threads
        return Compute(precision: precision, workers: workers)
    }
}

/// The median wall time of `repeats` runs of `body`, after one warm-up run.
func medianSeconds(_ repeats: Int, _ body: () throws -> Void) rethrows -> Double {
    try body()
    let times = try (0..<max(1, repeats)).map { _ -> Double in
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }.sorted()
    return times[times.count / 2]
}

/// Prints `value` as one line of JSON, keys sorted.
func printJSON<Value: Encodable>(_ value: Value) {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    print(String(decoding: try! encoder.encode(value), as: UTF8.self))
}

struct ArchitectureOptions: ParsableArguments {
    @Option(help: "The prior on the latents: factorized, hyperprior or checkerboard.") var arch = Architecture.Kind.factorized
    @Option(name: .customLong("N"), help: "Hidden channels.") var n = 128
    @Option(name: .customLong("M"), help: "Latent channels.") var m = 192
    @Option(name: .customLong("hyper-N"), help: "Channels of the hyperprior and of z.") var hyperN = 96
    @Option(name: .customLong("context-N"), help: "Channels of the checkerboard context.") var contextN = 128

    func architecture(lambdas: [Float] = Architecture.defaultLambdas) -> Architecture {
        Architecture(kind: arch, N: n, M: m, hyperN: hyperN, contextN: contextN, lambdas: lambdas)
    }
}

/// `aeic bench system`: what OpenBLAS chose, and the core aeic would choose instead.
struct BenchSystem: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "system", abstract: "Print the BLAS set-up.")
    @Flag(help: "Print only the OpenBLAS core to force, or nothing when the library's choice stands.")
    var recommendedCore = false

    func run() {
        let generic = FastKernels.genericCores.contains(BLASRuntime.coreName)
        let recommended = generic ? FastKernels.preferredCore() ?? "" : ""
        if recommendedCore {
            if !recommended.isEmpty { print(recommended) }
            return
        }
        print("OpenBLAS core: \(BLASRuntime.coreName)")
        print("OpenBLAS threads: \(BLASRuntime.threads)")
        print("OPENBLAS_CORETYPE: \(ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"] ?? "(unset)")")
    }
}

/// `aeic bench train`: one full training step (forward, R + λ·MSE, backward, Adam).
struct BenchTrain: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "train", abstract: "Training images per second.")
    @OptionGroup var architecture: ArchitectureOptions
    @Option(help: "Images per batch.") var batch = 8
    @Option(help: "Crop size.") var crop = 256
    @OptionGroup var precision: PrecisionOptions
    @OptionGroup var options: BenchOptions

    func run() {
        let compute = options.configure(precision.chosen)
        let images = imagesPerSecond(architecture.architecture(), batch: batch, crop: crop, repeats: options.repeats,
                                     compute: compute)
        if options.json { printJSON(["images_per_s": images]) }
        else { print(String(format: "training: %.2f images/s (batch %d × %d², median of %d)", images, batch, crop, options.repeats)) }
    }
}

/// Images per second of `Trainer.trainOneStep` on random photos.
func imagesPerSecond(_ architecture: Architecture, batch: Int, crop: Int, repeats: Int, compute: Compute) -> Double {
    var set = TrainingSet()
    var rng = SplitMix64(seed: 1)
    for _ in 0..<4 {
        let side = crop + 32
        set.append(.init(width: side, height: side, samples: (0..<3 * side * side).map { _ in rng.uniform() }))
    }
    var options = Trainer<CompressionModel>.Options()
    (options.batch, options.crop) = (batch, crop)
    let trainer = Trainer(model: CompressionModel(architecture), options: options)
    trainer.model.configure(compute)
    let seconds = medianSeconds(repeats) { _ = trainer.trainOneStep(on: set) }
    return Double(batch) / seconds
}

/// `aeic bench model`: g_a and g_s on one image.
struct BenchModel: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "model", abstract: "Seconds for g_a and g_s on one image.")
    @OptionGroup var architecture: ArchitectureOptions
    @Option(help: "Image size, WIDTHxHEIGHT.") var size = "768x512"
    @OptionGroup var precision: PrecisionOptions
    @OptionGroup var options: BenchOptions

    func run() throws {
        let compute = options.configure(precision.chosen)
        let parts = size.split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2, parts.allSatisfy({ $0 > 0 && $0 % 16 == 0 }) else {
            throw ValidationError("--size must be WIDTHxHEIGHT, multiples of 16")
        }
        let model = CompressionModel(architecture.architecture())
        model.configure(compute)
        var rng = SplitMix64(seed: 2)
        let x = Tensor(n: 1, c: 3, h: parts[1], w: parts[0], data: (0..<3 * parts[0] * parts[1]).map { _ in rng.uniform() })
        var y = model.g_a.infer(x)
        let ga = medianSeconds(options.repeats) { y = model.g_a.infer(x) }
        let gs = medianSeconds(options.repeats) { _ = model.g_s.infer(y) }
        if options.json { printJSON(["g_a_s": ga, "g_s_s": gs]) }
        else { print(String(format: "g_a %.3f s, g_s %.3f s at %@ (median of %d)", ga, gs, size, options.repeats)) }
    }
}

extension Architecture.Kind: ExpressibleByArgument {
    public init?(argument: String) {
        guard let kind = Self.allCases.first(where: { $0.name == argument }) else { return nil }
        self = kind
    }
    public var defaultValueDescription: String { name }
    public static var allValueStrings: [String] { allCases.map(\.name) }
}
