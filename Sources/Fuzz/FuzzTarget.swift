import Codec
import Denoise
import Foundation
import Images
import NN
import Serialization

/// The readers of untrusted bytes, each as one fuzz target: whatever the bytes, a target
/// returns (a typed error is a pass); a trap, a sanitizer report, a leak past libFuzzer's
/// limits or a slow input is a finding.
enum FuzzTarget: String, CaseIterable {
    /// A `.aeic` file: container parse, then decoding with the shipped model (checksums
    /// resealed, as for `model`).
    case container
    /// A codec model file, and the same bytes as a denoiser model file, with the checksum
    /// made valid again.
    case model
    /// PNG and JPEG decoding (the format sniffed, as the CLI does).
    case png, jpeg
    /// The denoiser's input path: an image file decoded and denoised.
    case denoise

    /// Small limits keep each execution fast: the fuzzer looks for crashes, not big images.
    static let maxPixels = 128 * 128

    func run(_ bytes: [UInt8]) {
        switch self {
        case .container:
            _ = FuzzTarget.codec
            // Resealed, the checksums do not stop the mutations short of the decoder.
            _ = try? FuzzTarget.codec.decompress(Container.resealed(bytes), maxPixels: FuzzTarget.maxPixels)
        case .model:
            let resealed = ParameterFile.resealed(bytes)
            _ = try? ImageCodec(modelFile: resealed)
            _ = try? Denoiser(file: ParameterFile(decoding: resealed))
        case .png, .jpeg:
            _ = try? ImageFile.decode(bytes, maxPixels: FuzzTarget.maxPixels)
        case .denoise:
            _ = FuzzTarget.denoiser
            guard let image = try? ImageFile.decode(bytes, maxPixels: 64 * 64) else { return }
            let noisy = Tensor(n: 1, c: 3, h: image.height, w: image.width, data: image.rgb().samples)
            let clean = FuzzTarget.denoiser.restore(noisy, effort: .init(refinements: 1))
            _ = image.replacingColour(with: clean.data)
        }
    }

    static let codec = try! ImageCodec(modelFile: ImageCodec.defaultModelBytes()!)
    static let denoiser = try! BlindDenoiser.shipped()!
}
