import Denoise
import Foundation
import Images
import NN

/// The denoising evaluation: every photo of a folder corrupted by each test case with a fixed
/// seed, restored blind (`BlindDenoiser.restore`), and measured against the clean photo (PSNR-RGB
/// and SSIM on the 8-bit output a file would hold), with the time per photo.
public struct DenoisingBenchmark {
    /// The cases of the evaluation, in the order of its tables; the last, σ = 0, is the clean
    /// photo (its samples are already on the 8-bit levels), which should come back unchanged.
    /// A case's index seeds its noise, so new cases go at the end.
    public static let cases: [Noise] = [
        .gaussian(sigma: 15), .gaussian(sigma: 25), .gaussian(sigma: 50),
        .masking(fraction: 0.3), .masking(fraction: 0.5), .masking(fraction: 0.7),
        .saltPepper(fraction: 0.1), .saltPepper(fraction: 0.3), .saltPepper(fraction: 0.5),
        .gaussian(sigma: 0),
    ]

    /// One photo under one case.
    public struct Row: Codable, Sendable {
        public var noise: String, image: String
        public var psnrNoisy: Double, ssimNoisy: Double
        public var psnr: Double, ssim: Double
        /// Told the kind of noise (impulse noise only) instead of finding it.
        public var psnrHinted: Double?
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case noise, image, psnrNoisy = "psnr_noisy", ssimNoisy = "ssim_noisy", psnr, ssim
            case psnrHinted = "psnr_hinted", seconds
        }
    }

    public let denoiser: BlindDenoiser
    /// What `Denoiser.restore` spends beyond one pass.
    public let effort: Denoiser.Effort
    public init(denoiser: BlindDenoiser, effort: Denoiser.Effort = .init()) { (self.denoiser, self.effort) = (denoiser, effort) }

    /// The case's name in tables and JSON, e.g. "clean", "gaussian-25", "masking-0.5".
    public static func name(_ noise: Noise) -> String {
        if noise == .gaussian(sigma: 0) { return "clean" }
        let level = noise.kind == .gaussian ? String(Int(noise.level)) : String(format: "%g", noise.level)
        return "\(noise.kind.rawValue)-\(level)"
    }

    /// The noisy version of `photo` (RGB) for case `caseIndex`, the same in every run.
    public static func noisy(_ photo: Image, caseIndex: Int, imageIndex: Int) -> Image {
        var rng = SplitMix64(seed: UInt64(caseIndex) << 32 | UInt64(imageIndex))
        var out = photo
        out.samples.withUnsafeMutableBufferPointer { cases[caseIndex].apply(to: $0, pixels: photo.pixelCount, rng: &rng) }
        return out
    }

    /// Measures the denoiser on `noisy`, `photo` (RGB) corrupted by `noise`.
    public func measure(_ photo: Image, noisy: Image, name: String, noise: Noise) -> Row {
        let input = Tensor(n: 1, c: 3, h: photo.height, w: photo.width, data: noisy.samples)
        let start = Date()
        let detected = ImpulseNoise.detect(input)
        let output = denoiser.restore(input, impulses: detected, effort: effort)
        let seconds = Date().timeIntervalSince(start)
        func told(_ impulses: ImpulseNoise) -> Tensor {
            impulses == detected ? output : denoiser.restore(input, impulses: impulses, effort: effort)
        }
        func image(_ t: Tensor) -> Image {
            Image(width: photo.width, height: photo.height, channels: 3, samples: t.data.map { ($0 * 255).rounded() / 255 })
        }
        let clean = image(output), psnr = DenoisingBenchmark.psnr(photo, clean)
        var hinted: Double?
        switch noise {
        case .gaussian: hinted = nil
        case .masking: hinted = DenoisingBenchmark.psnr(photo, image(told(.masking)))
        case .saltPepper: hinted = DenoisingBenchmark.psnr(photo, image(told(.saltPepper)))
        }
        return Row(noise: DenoisingBenchmark.name(noise), image: name,
                   psnrNoisy: DenoisingBenchmark.psnr(photo, noisy), ssimNoisy: Metrics.ssim(photo, noisy),
                   psnr: psnr, ssim: Metrics.ssim(photo, clean), psnrHinted: hinted, seconds: seconds)
    }

    /// PSNR-RGB, with identical images (the clean case's input) at 100 dB instead of infinity,
    /// which JSON cannot hold.
    static func psnr(_ a: Image, _ b: Image) -> Double { min(Metrics.psnr(a, b), 100)
    }
}

/// The evaluation's JSON: per-case means (in `DenoisingBenchmark.cases` order) and every row,
/// the shape `scripts/denoise_baselines.py` writes for the classical methods.
public struct DenoisingReport: Codable, Sendable {
    public struct Means: Codable, Sendable {
        public var noise: [String]
        public var psnrNoisy: [Double], ssimNoisy: [Double], psnr: [Double], ssim: [Double]
        public var psnrHinted: [Double?], seconds: [Double]
        enum CodingKeys: String, CodingKey {
            case noise, psnrNoisy = "psnr_noisy", ssimNoisy = "ssim_noisy", psnr, ssim
            case psnrHinted = "psnr_hinted", seconds
        }
    }
    public var name: String
    public var description: String
    public var results: Means
    public var perImage: [DenoisingBenchmark.Row]
    enum CodingKeys: String, CodingKey { case name, description, results, perImage = "per_image" }

    public init(name: String, description: String, rows: [[DenoisingBenchmark.Row]]) {
        func mean(_ r: [DenoisingBenchmark.Row], _ f: (DenoisingBenchmark.Row) -> Double) -> Double {
            r.map(f).reduce(0, +) / Double(max(r.count, 1))
        }
        (self.name, self.description, perImage) = (name, description, rows.flatMap { $0 })
        results = Means(noise: rows.map { $0.first?.noise ?? "" },
                        psnrNoisy: rows.map { mean($0, \.psnrNoisy) }, ssimNoisy: rows.map { mean($0, \.ssimNoisy) },
                        psnr: rows.map { mean($0, \.psnr) }, ssim: rows.map { mean($0, \.ssim) },
                        psnrHinted: rows.map { r in r.first?.psnrHinted == nil ? nil : mean(r) { $0.psnrHinted ?? 0 } },
                        seconds: rows.map { mean($0, \.seconds) })
    }

    public var json: String { reportJSON(self) }
}
