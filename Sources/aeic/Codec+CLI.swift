import ArgumentParser
import Codec
import Images
import NN

/// `--model FILE`, or the model shipped with aeic.
struct ModelOptions: ParsableArguments {
    @Option(help: "Model file (default: the model shipped with aeic).")
    var model: String?
    @OptionGroup var precision: PrecisionOptions

    func load() throws -> ImageCodec {
        let bytes: [UInt8]
        if let path = model {
            bytes = try FileIO.read(path)
        } else {
            guard let shipped = ImageCodec.defaultModelBytes() else {
                throw CLIError("no default model is installed; pass --model FILE")
            }
            bytes = shipped
        }
        do { return try ImageCodec(modelFile: bytes, compute: precision.compute) }
        catch { throw CLIError(model ?? "default model", error) }
    }
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

extension Image {
    /// The image as a (1, 3, H, W) tensor; grey is replicated to RGB.
    var rgbTensor: Tensor {
        let rgb = self.rgb()
        return Tensor(n: 1, c: 3, h: height, w: width, data: rgb.samples)
    }

    /// A decoded file as an image, with the source's channels and alpha.
    init(_ decoded: ImageCodec.Decoded) {
        self.init(width: decoded.rgb.w, height: decoded.rgb.h, channels: decoded.channels,
                  samples: decoded.samples, alpha: decoded.alpha)
    }
}
