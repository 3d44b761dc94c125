import EntropyCoding
import Foundation
import NN
import Serialization

// x: 1, 3, H, W in [0, 1];  y, ŷ: 1, M, ⌈H/16⌉, ⌈W/16⌉

/// A trained model ready to code images: g_a, g_s, the gains and the integer CDF tables
/// (with a hyperprior model, also h_a and the integer h_s), loaded from a model file.
/// `compress` returns exactly the bytes `decompress` takes.
public final class ImageCodec {
    public let model: CompressionModel
    /// How ŷ is entropy-coded, as the model's prior says.
    let coder: LatentCoder
    /// FNV-1a of the model file; written into every `.aeic` so a file is never decoded with
    /// another model's tables.
    public let identity: UInt64

    /// The codec of a model file, its transforms computing as `compute` says, or the
    /// encoder's (g_a, h_a) as `analysis` says if given: their output is the file, which need
    /// not be the same on every CPU, unlike the decoded pixels. The integer h_s always
    /// computes exactly, whatever either says.
    public init(modelFile bytes: [UInt8], compute: Compute = Compute(), analysis: Compute? = nil) throws {
        let file = try ParameterFile(decoding: bytes)
        let kinds = Architecture.Kind.allCases.map(\.rawValue).joined(separator: " or ")
        guard let kind = file.kind, Architecture.Kind(rawValue: kind) != nil else {
            throw ParameterFileError.architectureMismatch(expected: "a codec model (\(kinds))", found: file.kind ?? "an unknown kind")
        }
        let architecture: Architecture
        do { architecture = try Architecture(json: file.architecture) }
        catch { throw ParameterFileError.malformed("architecture description") }
        guard architecture.isValid, file.slim.valueCount >= architecture.transformWeightCount else {
            throw ParameterFileError.architectureMismatch(expected: "a codec model of valid size", found: file.architecture)
        }
        model = CompressionModel(architecture)
        try file.load(into: model.codingParameters)
        coder = try model.prior.coder(blobs: file.blobs, latentChannels: architecture.M)
        identity = FNV1a.hash(bytes)
        model.configureTransforms(compute, analysis: analysis ?? compute)
    }

    /// How the transforms cut an image: cores of at most `tile` latents (768 pixels, so that
    /// a Kodak-sized photo is one tile) with `margin` latents of context on every side, more
    /// than g_a's and g_s's reach (under 2 latents), so that tiles change nothing but memory.
    public struct Tiles: Sendable {
        public var tile = 48, margin = 3
        public init() {}
    }

    /// y = g_a(x) with x padded to a multiple of 16 (by repeating its last row and column),
    /// computed tile by tile, and the quantized latents ŷ = round(y·g) at `quality`.
    public func analyse(_ x: Tensor, quality: Int, tiles: Tiles = Tiles()) -> (y: Tensor, yHat: [Int32]) {
        let geometry = LatentGeometry(height: x.h, width: x.w)
        let y = x.tiled(outChannels: model.architecture.M, grid: (geometry.yHeight, geometry.yWidth),
                        inScale: LatentGeometry.analysisFactor, tile: tiles.tile, margin: tiles.margin, edge: .replicate) {
            model.g_a.infer($0)
        }
        let gain = model.gains.vectors(at: model.gains.position(quality: quality)).gain
        return (y, y.quantized(channelGains: gain))
    }

    /// x̂ = g_s(ŷ·g⁻) computed tile by tile, cropped to `height`×`width` and clamped to [0, 1].
    public func synthesise(_ yHat: [Int32], quality: Int, height: Int, width: Int, tiles: Tiles = Tiles()) -> Tensor {
        let inverse = model.gains.vectors(at: model.gains.position(quality: quality)).inverse
        let v = ImageCodec.dequantized(yHat, inverse: inverse, height: height, width: width)
        var x = v.tiled(outChannels: 3, grid: (v.h, v.w), outScale: LatentGeometry.analysisFactor,
                        tile: tiles.tile, margin: tiles.margin) { model.g_s.infer($0) }
        x.crop(height: height, width: width)
        x.clampToUnitInterval()
        return x
    }

    /// g_s's input ŷ·g⁻ (1, M, ⌈height/16⌉, ⌈width/16⌉) for a `height`×`width` image, with
    /// `inverse` the decoder gain of each of the M channels.
    static func dequantized(_ yHat: [Int32], inverse: [Float], height: Int, width: Int) -> Tensor {
        let geometry = LatentGeometry(height: height, width: width)
        let plane = geometry.yPlane
        return Tensor(n: 1, c: inverse.count, h: geometry.yHeight, w: geometry.yWidth,
                      data: inverse.indices.flatMap { c in yHat[(c * plane)..<((c + 1) * plane)].lazy.map { Float($0) * inverse[c] } })
    }

    /// Codes an RGB image (1, 3, H, W) and an optional alpha plane (H·W, [0, 1]), with
    /// `chunks` (metadata) carried as they are.
    /// `channels` is the source's colour channel count (1 for grey, which comes back grey).
    /// With `refinement`, the encoder searches for latents that code x at a lower
    /// rate–distortion cost than g_a's (slower; the decoder is the same), at any size.
    public func compress(_ x: Tensor, alpha: [Float]?, channels: Int, quality: Int,
                         refinement: LatentRefinement = .none, chunks: [Container.Chunk] = []) -> [UInt8] {
        precondition(x.n == 1 && x.c == 3, "compress takes one RGB image")
        precondition(Quality.range.contains(quality), "quality must be 1…100")
        let (y, yHat) = analyse(x, quality: quality)
        var encoder = RangeEncoder()
        let schedule = coder.encodeSideInformation(y, quality: quality, into: &encoder)
        let coded = refinement.steps > 0
            ? refinement.refine(yHat, tables: schedule.tables(given: yHat), x: x, model: model, quality: quality) : yHat
        schedule.encode(coded, into: &encoder)
        let alphaBytes = alpha.map { a in
            AlphaPlane.encode(a.map { UInt8($0.clampedToUnitInterval * 255 + 0.5) }, width: x.w)
        } ?? []
        return Container(flags: alpha == nil ? [] : .alpha, width: x.w, height: x.h,
                         channels: channels, quality: quality, latentChannels: model.architecture.M,
                         modelIdentity: identity, latents: encoder.finish(), alpha: alphaBytes, chunks: chunks).encoded
    }

    public struct Decoded {
        public var rgb: Tensor            // 1, 3, H, W
        public var alpha: [Float]?
        /// The source's colour channels (1: grey, coded as RGB; the caller turns it back).
        public var channels: Int
        public var chunks: [Container.Chunk]
    }

    /// Decodes a `.aeic` file made with this model.
    public func decompress(_ bytes: [UInt8], maxPixels: Int) throws -> Decoded {
        let file = try Container(decoding: bytes, maxPixels: maxPixels)
        guard file.modelIdentity == identity, file.latentChannels == model.architecture.M else {
            throw ContainerError.modelMismatch(file: file.modelIdentity, model: identity)
        }
        let yHat = try decodeLatents(file)
        let alpha = try file.flags.contains(.alpha)
            ? AlphaPlane.decode(file.alpha, width: file.width, count: file.width * file.height).map { Float($0) / 255 }
            : nil
        let rgb = synthesise(yHat, quality: file.quality, height: file.height, width: file.width)
        return Decoded(rgb: rgb, alpha: alpha, channels: file.channels, chunks: file.chunks)
    }

    /// The integer latents of a validated container, exactly as the encoder coded them.
    public func decodeLatents(_ file: Container) throws -> [Int32] {
        var decoder = RangeDecoder(file.latents)
        let schedule = try coder.decodeSideInformation(from: &decoder, quality: file.quality, geometry: file.geometry)
        let yHat = try schedule.decode(count: file.latentChannels * file.geometry.yPlane, from: &decoder)
        guard !decoder.isDamaged else { throw ContainerError.corruptPayload }
        return yHat
    }
}
