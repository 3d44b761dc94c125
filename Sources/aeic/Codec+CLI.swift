import ArgumentParser
import Codec
import Images
import NN

/// `--model FILE`, or the model shipped with aeic.
struct ModelOptions: ParsableArguments {
    @Option(help: "Model file (default: the model shipped with aeic).")
    var model: String?
    @OptionGroup var computeOptions: ComputeOptions

    func load() throws -> ImageCodec {
        try loadCodec(model, compute: computeOptions.apply(), analysis: computeOptions.apply(fastest: true))
    }
}

/// The codec of the model file at `path`, or of the one shipped with aeic (its encoder
/// computing as `analysis` says, if given).
func loadCodec(_ path: String?, compute: Compute, analysis: Compute? = nil) throws -> ImageCodec {
    let bytes = try modelBytes(path, shipped: ImageCodec.defaultModelBytes(), what: "model")
    do { return try ImageCodec(modelFile: bytes, compute: compute, analysis: analysis) }
    catch { throw CLIError(path ?? "default model", error) }
}

/// The bytes of the model file at `path`, or of the one shipped with aeic.
func modelBytes(_ path: String?, shipped: @autoclosure () -> [UInt8]?, what: String) throws -> [UInt8] {
    if let path { return try FileIO.read(path) }
    guard let bytes = shipped() else { throw CLIError("no default \(what) is installed; pass --model FILE") }
    return bytes
}

/// `--refine N`: the encoder's search over the latents (`LatentRefinement`).
struct RefinementOptions: ParsableArguments {
    @Option(help: "Encoder search steps over the latents: slower encoding, fewer bytes for the same quality; the decoder is unchanged (0: off).")
    var refine = 0

    func validate() throws {
        guard (0...1000).contains(refine) else { throw ValidationError("--refine must be 0–1000") }
    }

    var refinement: LatentRefinement { LatentRefinement(steps: refine) }
}
