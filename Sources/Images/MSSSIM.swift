import Foundation

extension Metrics {
    /// Multi-scale SSIM (Wang, Simoncelli, Bovik 2003) on samples in [0, 1] with data range 1,
    /// as `pytorch_msssim.ms_ssim` computes it (and CompressAI reports it): per channel, an
    /// 11-tap Gaussian window (σ = 1.5) without padding, five scales with the standard weights,
    /// 2×2 average pooling between scales, negative terms clipped to 0; then the mean over
    /// channels. Images must be at least 161 pixels on each side (the window at 1/16 scale).
    public static func msSSIM(_ a: Image, _ b: Image) -> Double {
        precondition(a.width == b.width && a.height == b.height && a.channels == b.channels, "images differ in size")
        precondition(min(a.width, a.height) > 160, "MS-SSIM needs images larger than 160 pixels")
        let weights = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]
        let n = a.pixelCount
        var total = 0.0
        for c in 0..<a.channels {
            var x = Plane(width: a.width, height: a.height, values: a.samples[(c * n)..<((c + 1) * n)].map(Double.init))
            var y = Plane(width: b.width, height: b.height, values: b.samples[(c * n)..<((c + 1) * n)].map(Double.init))
            var value = 1.0
            for (level, weight) in weights.enumerated() {
                let (ssim, cs) = Plane.ssim(x, y)
                value *= pow(max(level == weights.count - 1 ? ssim : cs, 0), weight)
                x = x.pooled()
                y = y.pooled()
            }
            total += value
        }
        return total / Double(a.channels)
    }

    /// Single-scale SSIM with the same window and constants (skimage's `structural_similarity`
    /// with `gaussian_weights=True`, `use_sample_covariance=False`, data range 1), averaged
    /// over channels. Images must be at least 11 pixels on each side.
    public static func ssim(_ a: Image, _ b: Image) -> Double {
        precondition(a.width == b.width && a.height == b.height && a.channels == b.channels, "images differ in size")
        precondition(min(a.width, a.height) >= 11, "SSIM needs images of at least 11 pixels")
        let n = a.pixelCount
        return (0..<a.channels).map { c in
            let x = Plane(width: a.width, height: a.height, values: a.samples[(c * n)..<((c + 1) * n)].map(Double.init))
            let y = Plane(width: b.width, height: b.height, values: b.samples[(c * n)..<((c + 1) * n)].map(Double.init))
            return Plane.ssim(x, y).ssim
        }.reduce(0, +) / Double(a.channels)
    }

    /// MS-SSIM in decibels, −10·log10(1 − MS-SSIM), as RD plots show it.
    public static func msSSIMdB(_ value: Double) -> Double { -10 * log10(max(1 - value, 1e-12)) }
}

/// One channel in Double, for the SSIM statistics.
struct Plane {
    let width: Int, height: Int
    var values: [Double]

    static let window: [Double] = {
        let g = (0..<11).map { exp(-Double(($0 - 5) * ($0 - 5)) / (2 * 1.5 * 1.5)) }
        let sum = g.reduce(0, +)
        return g.map { $0 / sum }
    }()

    /// Separable Gaussian filtering without padding ("valid"): (H−10)×(W−10).
    func filtered() -> Plane {
        let w = width - 10, h = height - 10
        var rows = [Double](repeating: 0, count: w * height)
        for y in 0..<height {
            for x in 0..<w {
                var s = 0.0
                for k in 0..<11 { s += Plane.window[k] * values[y * width + x + k] }
                rows[y * w + x] = s
            }
        }
        var out = [Double](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                var s = 0.0
                for k in 0..<11 { s += Plane.window[k] * rows[(y + k) * w + x] }
                out[y * w + x] = s
            }
        }
        return Plane(width: w, height: h, values: out)
    }

    func map(_ other: Plane, _ f: (Double, Double) -> Double) -> Plane {
        Plane(width: width, height: height, values: zip(values, other.values).map(f))
    }

    /// Mean SSIM and mean contrast–structure term over the valid window positions.
    static func ssim(_ x: Plane, _ y: Plane) -> (ssim: Double, cs: Double) {
        let c1 = 0.01 * 0.01, c2 = 0.03 * 0.03
        let mx = x.filtered(), my = y.filtered()
        let sxx = x.map(x, *).filtered(), syy = y.map(y, *).filtered(), sxy = x.map(y, *).filtered()
        var ssim = 0.0, cs = 0.0
        for i in mx.values.indices {
            let (a, b) = (mx.values[i], my.values[i])
            let vx = sxx.values[i] - a * a, vy = syy.values[i] - b * b, cov = sxy.values[i] - a * b
            let csMap = (2 * cov + c2) / (vx + vy + c2)
            cs += csMap
            ssim += (2 * a * b + c1) / (a * a + b * b + c1) * csMap
        }
        let count = Double(mx.values.count)
        return (ssim / count, cs / count)
    }

    /// 2×2 average pooling with PyTorch's `avg_pool2d(kernel 2, stride 2, padding = size % 2)`
    /// semantics: zero padding counted in the average.
    func pooled() -> Plane {
        let ph = height % 2, pw = width % 2
        let h = (height + 2 * ph - 2) / 2 + 1, w = (width + 2 * pw - 2) / 2 + 1
        var out = [Double](repeating: 0, count: w * h)
        for y in 0..<h {
            for x in 0..<w {
                var s = 0.0
                for dy in 0..<2 {
                    for dx in 0..<2 {
                        let sy = 2 * y + dy - ph, sx = 2 * x + dx - pw
                        if sy >= 0 && sy < height && sx >= 0 && sx < width { s += values[sy * width + sx] }
                    }
                }
                out[y * w + x] = s / 4
            }
        }
        return Plane(width: w, height: h, values: out)
    }
}
