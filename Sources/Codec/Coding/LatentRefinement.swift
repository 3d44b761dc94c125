import EntropyCoding
import NN

// x: 1, 3, H, W in [0, 1];  ŷ, v: M·h·w (gained domain), h = ⌈H/16⌉, w = ⌈W/16⌉

/// An encoder-side search for better latents (after Campos, Meierhans, Djelouah & Schroers
/// 2019, "Content adaptive optimization for neural image compression"). g_a's latents are a
/// good start, not the best the decoder can be given: gradient steps on the gained latents v
/// lower J(v) = R(round v) / pixels + λ·255²·MSE(x, g_s(round(v)·g⁻)), with R what the
/// file's own tables charge (through a smooth spline between integers, for a gradient) and
/// round passing gradients straight through. Each step decodes its rounding anyway, so the
/// rounding with the least J is the one kept: by J, the result never costs more than g_a's.
/// The decoder does not change: it decodes whatever latents it is sent.
public struct LatentRefinement: Sendable {
    /// Gradient steps; 0 codes g_a's latents as they are.
    public var steps: Int
    /// The step, in quantization bins per bit of J·pixels.
    public var learningRate: Float

    public static let none = LatentRefinement(steps: 0)

    public init(steps: Int, learningRate: Float = 0.006) {
        (self.steps, self.learningRate) = (steps, learningRate)
    }

    /// The refined ŷ for `x` at `quality`, where latent k is coded with `tables[k]`.
    func refine(_ yHat: [Int32], tables: [CDFTable], x: Tensor, model: CompressionModel, quality: Int,
                tiles: ImageCodec.Tiles = ImageCodec.Tiles()) -> [Int32] {
        let position = model.gains.position(quality: quality)
        let inverse = model.gains.vectors(at: position).inverse
        let weight = model.architecture.lambda(at: position) * 255 * 255
        let plane = LatentGeometry(height: x.h, width: x.w).yPlane, pixels = Float(x.h * x.w)
        let frozen = model.g_s.parameters
        frozen.forEach { $0.frozen = true }
        defer { frozen.forEach { $0.frozen = false }; model.g_s.clearCache() }
        var v = yHat.map(Float.init), velocity = [Float](repeating: 0, count: yHat.count)
        var best = (cost: Float.infinity, yHat: yHat)
        for step in 0...steps {
            let rounded = v.map { Int32($0.rounded()) }
            let decoded = ImageCodec.dequantized(rounded, inverse: inverse, height: x.h, width: x.w)
            let (distortion, dDecoded) = LatentRefinement.distortion(of: decoded, x, model: model, weight: weight,
                                                                     tiles: tiles, gradient: step < steps)
            let rate = (0..<rounded.count).reduce(Float(0)) { $0 + tables[$1].bits(rounded[$1]) } / pixels
            if rate + distortion < best.cost { best = (rate + distortion, rounded) }
            guard step < steps else { break }
            // Gradient descent with momentum in bits per bin (J·pixels), the step decaying
            // linearly to 0 so the search settles.
            let eta = learningRate * (1 - Float(step) / Float(steps))
            for k in 0..<v.count {
                let g = dDecoded.data[k] * inverse[k / plane] * pixels + LatentRefinement.rateSlope(tables[k], at: v[k])
                velocity[k] = LatentRefinement.momentum * velocity[k] + g
                v[k] -= eta * velocity[k]
            }
        }
        return best.yHat
    }

    /// λ·255²·MSE of what the decoder makes of `decoded` (g_s's input) against x, and, with
    /// `gradient`, its gradient with respect to `decoded`. g_s runs tile by tile as the
    /// decoder does: each tile's core pixels are exact (the margins cover g_s's reach), so the
    /// sum of the cores' distortions and of their gradients is the whole image's.
    static func distortion(of decoded: Tensor, _ x: Tensor, model: CompressionModel, weight: Float,
                           tiles: ImageCodec.Tiles, gradient: Bool) -> (Float, Tensor) {
        let f = LatentGeometry.analysisFactor
        var total: Float = 0, dDecoded = Tensor(zerosLike: decoded)
        for tile in Tile.grid((decoded.h, decoded.w), tile: tiles.tile, margin: tiles.margin) {
            let (rows, cols) = tile.window
            let xHat = model.g_s.forward(decoded.window(y: rows.lowerBound, x: cols.lowerBound, height: rows.count, width: cols.count))
            let core = (rows: (f * tile.core.rows.lowerBound)..<min(f * tile.core.rows.upperBound, x.h),
                        cols: (f * tile.core.cols.lowerBound)..<min(f * tile.core.cols.upperBound, x.w))
            let (d, dxHat) = distortion(xHat, at: (f * rows.lowerBound, f * cols.lowerBound), core: core, x, weight: weight)
            total += d
            if gradient { dDecoded.add(model.g_s.backward(dxHat), at: (rows.lowerBound, cols.lowerBound)) }
        }
        return (total, dDecoded)
    }

    static let momentum: Float = 0.5

    /// dR/dv of the C¹ piecewise-quadratic spline through the table's costs at the integers:
    /// on [n − ½, n + ½] the parabola through n − 1, n, n + 1. Its slope is 0 at the mode of
    /// a symmetric table, where the straight line between integers would flip sign and make
    /// every zero latent oscillate.
    static func rateSlope(_ table: CDFTable, at v: Float) -> Float {
        let n = Int32(v.rounded())
        let (before, at, after) = (table.bits(n - 1), table.bits(n), table.bits(n + 1))
        return (after - before) / 2 + (v - Float(n)) * (after - 2 * at + before)
    }

    /// λ·255²·MSE (normalised by the whole of x) between the decoder's output over `core`
    /// (clamped to [0, 1], as the decoder writes it) and x, for an output `xHat` whose top-left
    /// sample is the image's pixel `origin`, and its gradient with respect to the unclamped
    /// `xHat` (zero outside the core).
    static func distortion(_ xHat: Tensor, at origin: (y: Int, x: Int), core: (rows: Range<Int>, cols: Range<Int>),
                           _ x: Tensor, weight: Float) -> (Float, Tensor) {
        var d = Tensor(zerosLike: xHat)
        let scale = weight / Float(x.count)
        var sum: Float = 0
        for c in 0..<3 {
            for row in core.rows {
                for col in core.cols {
                    let p = (c * xHat.h + row - origin.y) * xHat.w + col - origin.x
                    let out = xHat.data[p]
                    let e = min(max(out, 0), 1) - x.data[(c * x.h + row) * x.w + col]
                    sum += e * e
                    if out >= 0 && out <= 1 { d.data[p] = 2 * scale * e }
                }
            }
        }
        return (scale * sum, d)
    }
}
