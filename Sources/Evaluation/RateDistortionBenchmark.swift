import Codec
import Foundation
import Images

/// The rate–distortion evaluation: every photo of a folder coded at each quality, measured
/// as whole `.aeic` files (bpp), PSNR-RGB, MS-SSIM and the coding times.
public struct RateDistortionBenchmark {
    /// One photo at one quality.
    public struct Row: Codable, Sendable {
        public var quality: Int, image: String
        public var bpp: Double, psnr: Double, msssim: Double, encodingTime: Double, decodingTime: Double

        enum CodingKeys: String, CodingKey {
            case quality, image, bpp, psnr = "psnr-rgb", msssim = "ms-ssim"
            case encodingTime = "encoding_time", decodingTime = "decoding_time"
        }
    }

    public let codec: ImageCodec
    public let refinement: LatentRefinement

    public init(codec: ImageCodec, refinement: LatentRefinement) {
        (self.codec, self.refinement) = (codec, refinement)
    }

    /// Codes `image` (RGB) at `quality` and measures what came back.
    public func measure(_ image: Image, name: String, quality: Int) throws -> Row {
        let start = Date()
        let bytes = codec.compress(image.rgbTensor, alpha: nil, channels: 3, quality: quality, refinement: refinement)
        let encode = Date().timeIntervalSince(start)
        let decoded = try codec.decompress(bytes, maxPixels: Int.max)
        let decode = Date().timeIntervalSince(start) - encode
        let output = Image(decoded)
        return Row(quality: quality, image: name, bpp: Double(bytes.count * 8) / Double(image.pixelCount),
                   psnr: Metrics.psnr(image, output), msssim: Metrics.msSSIM(image, output),
                   encodingTime: encode, decodingTime: decode)
    }
}

/// CompressAI's results JSON: one mean per quality in each list, plus every row.
public struct RateDistortionReport: Encodable {
    public struct Means: Encodable {
        public var quality: [Int]
        public var bpp: [Double], psnr: [Double], msssim: [Double], msssimDB: [Double]
        public var encodingTime: [Double], decodingTime: [Double]
        enum CodingKeys: String, CodingKey {
            case quality, bpp, psnr = "psnr-rgb", msssim = "ms-ssim", msssimDB = "ms-ssim-db"
            case encodingTime = "encoding_time", decodingTime = "decoding_time"
        }
    }
    public var name: String
    public var description: String
    public var results: Means
    public var perImage: [RateDistortionBenchmark.Row]
    enum CodingKeys: String, CodingKey { case name, description, results, perImage = "per_image" }

    /// `rows[q]` holds quality `qualities[q]`'s rows.
    public init(name: String, description: String, qualities: [Int], rows: [[RateDistortionBenchmark.Row]]) {
        func mean(_ f: (RateDistortionBenchmark.Row) -> Double) -> [Double] {
            rows.map { r in r.map(f).reduce(0, +) / Double(max(r.count, 1)) }
        }
        (self.name, self.description, perImage) = (name, description, rows.flatMap { $0 })
        results = Means(quality: qualities, bpp: mean(\.bpp), psnr: mean(\.psnr), msssim: mean(\.msssim),
                        msssimDB: mean { Metrics.msSSIMdB($0.msssim) },
                        encodingTime: mean(\.encodingTime), decodingTime: mean(\.decodingTime))
    }

    public var json: String { reportJSON(self) }
}

/// Pretty-printed JSON with a final newline, as the evaluation reports are written.
func reportJSON<Value: Encodable>(_ value: Value) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .withoutEscapingSlashes]
    return String(decoding: try! encoder.encode(value), as: UTF8.self) + "\n"
}
