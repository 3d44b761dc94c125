import XCTest
import EntropyCoding
@testable import Codec
@testable import NN

final class GaussianConditionalTests: XCTestCase {
    /// Gained latents, scales (some under the bound once gained) and gains for 2 images × 2 channels.
    func makeInputs() -> (Tensor, Tensor, [Float]) {
        var rng = SplitMix64(seed: 4)
        let v = Tensor(n: 2, c: 2, h: 2, w: 3, data: (0..<24).map { _ in (rng.uniform() - 0.5) * 8 })
        let sigma = Tensor(n: 2, c: 2, h: 2, w: 3, data: (0..<24).map { _ in 0.05 + rng.uniform() * 3 })
        return (v, sigma, [0.7, 1.3, 2.0, 0.5])
    }

    func testRateGradients() {
        let (v, sigma, gains) = makeInputs()
        var dv = [Float](repeating: 0, count: 24), dSigma = dv, dGain = [Float](repeating: 0, count: 4)
        _ = GaussianConditional.bits(v, sigma: sigma, gains: gains, dv: &dv, dSigma: &dSigma, dGain: &dGain)
        let h: Float = 1e-3
        func check(_ numeric: Double, _ analytic: Float, _ what: String) {
            let scale = max(1, abs(numeric))
            XCTAssertEqual(numeric / scale, Double(analytic) / scale, accuracy: 1e-2, what)
        }
        func derivative(_ bits: (Float) -> Double) -> Double { (bits(h) - bits(-h)) / Double(2 * h) }
        for k in 0..<24 {
            check(derivative { d in var x = v; x.data[k] += d; return GaussianConditional.bits(x, sigma: sigma, gains: gains) },
                  dv[k], "dv[\(k)]")
            // Below the bound σ·g < s_min the rate does not depend on σ, and the gradient is
            // passed only where it would raise the scale.
            let numeric = derivative { d in var s = sigma; s.data[k] += d; return GaussianConditional.bits(v, sigma: s, gains: gains) }
            if sigma.data[k] * gains[k / 6] > GaussianConditional.minimumScale + h {
                check(numeric, dSigma[k], "dSigma[\(k)]")
            } else {
                XCTAssertEqual(numeric, 0, accuracy: 1e-3)
                XCTAssertLessThanOrEqual(dSigma[k], 0, "dSigma[\(k)] under the bound")
            }
        }
        for k in 0..<4 {
            check(derivative { d in var g = gains; g[k] += d; return GaussianConditional.bits(v, sigma: sigma, gains: g) },
                  dGain[k], "dGain[\(k)]")
        }
    }

    /// With means, the rate's gradients in v, the means and the gains (the mean moves with
    /// the gain: μ·g is what v is compared with).
    func testRateGradientsWithMeans() {
        // Scales wide enough that no latent's mass falls under the density's floor.
        let (v, narrow, gains) = makeInputs()
        let sigma = narrow.map { $0 + 1 }
        var rng = SplitMix64(seed: 11)
        let mean = Tensor(zerosLike: v).map { _ in rng.uniform() * 2 - 1 }
        var dv = [Float](repeating: 0, count: 24), dSigma = dv, dMean = dv, dGain = [Float](repeating: 0, count: 4)
        _ = GaussianConditional.bits(v, sigma: sigma, mean: mean, gains: gains, dv: &dv, dSigma: &dSigma, dMean: &dMean, dGain: &dGain)
        let h: Float = 1e-3
        func derivative(_ bits: (Float) -> Double) -> Double { (bits(h) - bits(-h)) / Double(2 * h) }
        func check(_ numeric: Double, _ analytic: Float, _ what: String) {
            let scale = max(1, abs(numeric))
            XCTAssertEqual(numeric / scale, Double(analytic) / scale, accuracy: 1e-2, what)
        }
        for k in 0..<24 {
            check(derivative { d in var x = v; x.data[k] += d; return GaussianConditional.bits(x, sigma: sigma, mean: mean, gains: gains) },
                  dv[k], "dv[\(k)]")
            check(derivative { d in var m = mean; m.data[k] += d; return GaussianConditional.bits(v, sigma: sigma, mean: m, gains: gains) },
                  dMean[k], "dMean[\(k)]")
        }
        for k in 0..<4 {
            check(derivative { d in var g = gains; g[k] += d; return GaussianConditional.bits(v, sigma: sigma, mean: mean, gains: g) },
                  dGain[k], "dGain[\(k)]")
        }
    }

    /// A table made for mean 0 is the scale hyperprior's; one made for mean ½ gives 0 and 1
    /// the same mass, and one for mean f/8 is the mean-0 table's density moved by f/8.
    func testMeanTables() {
        for s in [0.3, 2.5] {
            XCTAssertEqual(GaussianConditional.table(scale: s, mean: 0), GaussianConditional.table(scale: s))
            let half = GaussianConditional.table(scale: s, mean: 0.5)
            let f = half.frequencies
            XCTAssertEqual(Double(f[Int(-half.offset)]), Double(f[Int(1 - half.offset)]), accuracy: 2)
        }
        let steps = GaussianConditional.meanSteps, tables = GaussianConditional.meanScaleTables
        XCTAssertEqual(tables.count, GaussianConditional.scaleTable.count * steps)
        XCTAssertEqual(tables[5 * steps], GaussianConditional.table(scale: GaussianConditional.scaleTable[5]))
        XCTAssertEqual(tables[5 * steps + 3], GaussianConditional.table(scale: GaussianConditional.scaleTable[5], mean: 3.0 / 8))
    }

    /// Each table's masses are those of its scale, and its escape carries both tails.
    func testTablesMatchTheirScale() {
        for s in [GaussianConditional.scaleTable.first!, 1.7, GaussianConditional.scaleTable.last!] {
            let table = GaussianConditional.table(scale: s)
            XCTAssertEqual(table.offset, -Int32((table.count - 1) / 2), "symmetric around 0")
            let cdf = { (x: Double) in 0.5 * erfc(-x / s / 2.squareRoot()) }
            let zero = Double(table.frequencies[Int(-table.offset)]) / Double(1 << CDFTable.precision)
            XCTAssertEqual(zero, cdf(0.5) - cdf(-0.5), accuracy: 1e-3 + 2e-4 * Double(table.count))
            XCTAssertLessThan(cdf(Double(table.offset) - 0.5), 2e-6)
        }
    }

    /// The rate falls as the scale approaches the latents' own spread.
    func testBitsAreLeastAtTheTrueScale() {
        var rng = SplitMix64(seed: 9)
        let values: [Float] = (0..<4000).map { _ in
            let u1 = max(rng.uniform(), 1e-7), u2 = rng.uniform()
            return 3 * (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2) + rng.uniform() - 0.5
        }
        let v = Tensor(n: 1, c: 1, h: 40, w: 100, data: values)
        let bits = [1.5, 3, 6].map { (s: Float) in
            GaussianConditional.bits(v, sigma: Tensor(zerosLike: v, value: s), gains: [1])
        }
        XCTAssertLessThan(bits[1], bits[0])
        XCTAssertLessThan(bits[1], bits[2])
    }
}
