import Foundation
import EntropyCoding
import NN

// v: N, M, H, W (gained latents);  σ: N, M, H, W (un-gained scales from h_s)

/// The conditional density of the scale hyperprior (Ballé et al. 2018): each gained latent
/// v = y·g is a Gaussian of scale s = max(σ·g, s_min) convolved with U(−½, ½), so the integer
/// k has mass Φ((k + ½ − μ)/s) − Φ((k − ½ − μ)/s). Its mean μ = m·g is 0 under the scale
/// hyperprior and predicted under the mean-scale one (Minnen et al. 2018). Coding picks one
/// of a fixed set of scales (and of mean fractions) per latent, so its integer CDF tables are
/// made once, at export.
public enum GaussianConditional {
    /// The smallest scale modelled (CompressAI's lower bound).
    public static let minimumScale: Float = 0.11
    /// The scales of the coding tables: 64 log-spaced from 0.11 to 256, as CompressAI's.
    public static let scaleTable: [Double] = (0..<64).map { j in
        exp(log(0.11) + (log(256) - log(0.11)) * Double(j) / 63)
    }
    /// Tail mass left to the escape symbol on each side of a table.
    static let tail = 1e-6

    /// Bits of the integer-centred bins of `v` given the scales σ, the un-gained means m (0
    /// if nil) and each image's gains: Σ −log2 P(v). With `dv`, the rate's gradients (scaled
    /// by `scale`) are written to `dv`, `dSigma`, `dMean` (N·M·H·W) and added to `dGain` (N·M).
    static func bits(_ v: Tensor, sigma: Tensor, mean: Tensor? = nil, gains: [Float], scale: Float = 1,
                     dv: UnsafeMutablePointer<Float>? = nil, dSigma: UnsafeMutablePointer<Float>? = nil,
                     dMean: UnsafeMutablePointer<Float>? = nil, dGain: UnsafeMutablePointer<Float>? = nil) -> Double {
        precondition(v.sameShape(sigma) && gains.count == v.n * v.c && mean.map(v.sameShape) != false,
                     "Gaussian conditional shape mismatch")
        let plane = v.planeSize
        var total = 0.0
        for k in 0..<(v.n * v.c) {
            let g = gains[k]
            for p in (k * plane)..<((k + 1) * plane) {
                let raw = sigma.data[p] * g
                let s = max(raw, minimumScale)
                let mu = mean?.data[p] ?? 0
                let r = v.data[p] - mu * g
                let a = abs(r)
                let tu = (0.5 - a) / s, tl = (-0.5 - a) / s
                let mass = max(phi(tu) - phi(tl), 1e-9)
                total -= Double(log2(mass))
                guard let dv, let dSigma, let dGain else { continue }
                let dMass = -scale / (mass * Float(M_LN2))
                let (du, dl) = (density(tu), density(tl))
                let dr = dMass * (dl - du) / s * (r < 0 ? -1 : 1)
                dv[p] = dr
                dMean?[p] = -dr * g
                // The bound passes a gradient that would raise s (CompressAI's LowerBound).
                let ds = dMass * (tl * dl - tu * du) / s
                let dRaw = raw >= minimumScale || ds < 0 ? ds : 0
                dSigma[p] = dRaw * g
                dGain[k] += dRaw * sigma.data[p] - dr * mu
            }
        }
        return total
    }

    @inline(__always) static func phi(_ t: Float) -> Float { 0.5 * erfc(-t * Float(M_SQRT1_2)) }
    @inline(__always) static func density(_ t: Float) -> Float { exp(-0.5 * t * t) * Float(0.5 * M_2_SQRTPI * M_SQRT1_2) }

    /// The coding table of scale `s` and mean `mu`: every integer within the quantiles of
    /// `tail` on each side, and the escape symbol for the rest.
    static func table(scale s: Double, mean mu: Double = 0) -> CDFTable {
        let below = { (x: Double) -> Double in 0.5 * erfc(-(x - mu) / s * M_SQRT1_2) }
        let above = { (x: Double) -> Double in 0.5 * erfc((x - mu) / s * M_SQRT1_2) }
        var (low, high) = (-1, 1)
        while below(Double(low) - 0.5) > tail { low -= 1 }
        while above(Double(high) + 0.5) > tail { high += 1 }
        var p = (low...high).map { k in below(Double(k) + 0.5) - below(Double(k) - 0.5) }
        p.append(below(Double(low) - 0.5) + above(Double(high) + 0.5))
        return CDFTable(offset: Int32(low), probabilities: p)
    }

    /// The tables of `scaleTable`, in its order.
    public static var tables: [CDFTable] { scaleTable.map { table(scale: $0) } }

    /// Steps per unit of the means the mean-scale coder's tables are made for.
    static let meanSteps = 8

    /// The tables of every scale of `scaleTable` and mean fraction f/`meanSteps` (f in
    /// 0..<meanSteps), at scale·meanSteps + f.
    static var meanScaleTables: [CDFTable] {
        scaleTable.flatMap { s in (0..<meanSteps).map { f in table(scale: s, mean: Double(f) / Double(meanSteps)) } }
    }
}
