import XCTest
@testable import Codec
@testable import NN

final class EntropyBottleneckTests: XCTestCase {
    func makeInputs() -> (EntropyBottleneck, Tensor, [Float]) {
        var rng = SplitMix64(seed: 3)
        let eb = EntropyBottleneck(channels: 2, rng: &rng)
        for p in eb.parameters { p.value = p.value.map { $0 + (rng.uniform() - 0.5) * 0.4 } }
        let v = Tensor(n: 2, c: 2, h: 2, w: 3, data: (0..<24).map { _ in (rng.uniform() - 0.5) * 8 })
        return (eb, v, [0.7, 1.3, 2.0, 0.5])
    }

    func testMassesSumToOne() {
        let (eb, _, _) = makeInputs()
        for c in 0..<2 {
            let ch = eb.channel(c)
            for g: Float in [0.3, 1, 4] {
                let total = (-400...400).reduce(0.0) { sum, k in
                    let lo = sigmoid(eb.logits((Float(k) - 0.5) / g, ch))
                    let up = sigmoid(eb.logits((Float(k) + 0.5) / g, ch))
                    return sum + Double(up - lo)
                }
                XCTAssertEqual(total, 1, accuracy: 1e-3)
            }
        }
    }

    func testRateGradients() {
        let (eb, v, gains) = makeInputs()
        var dv = [Float](repeating: 0, count: v.count), dGain = [Float](repeating: 0, count: 4)
        eb.parameters.forEach { $0.zeroGrad() }
        _ = eb.bits(v, gains: gains, dv: &dv, dGain: &dGain)
        let h: Float = 1e-2
        func check(_ numeric: Double, _ analytic: Float, _ what: String) {
            let scale = max(1, abs(numeric))
            XCTAssertEqual(numeric / scale, Double(analytic) / scale, accuracy: 2e-2, what)
        }
        var x = v
        for k in 0..<v.count {
            x.data[k] += h; let plus = eb.bits(x, gains: gains)
            x.data[k] -= 2 * h; let minus = eb.bits(x, gains: gains)
            x.data[k] += h
            check((plus - minus) / Double(2 * h), dv[k], "dv[\(k)]")
        }
        for k in 0..<4 {
            var g = gains
            g[k] += h; let plus = eb.bits(v, gains: g)
            g[k] -= 2 * h; let minus = eb.bits(v, gains: g)
            check((plus - minus) / Double(2 * h), dGain[k], "dGain[\(k)]")
        }
        for p in eb.parameters {
            let analytic = p.grad
            for k in 0..<p.count {
                let saved = p.value[k]
                p.value[k] = saved + h; let plus = eb.bits(v, gains: gains)
                p.value[k] = saved - h; let minus = eb.bits(v, gains: gains)
                p.value[k] = saved
                check((plus - minus) / Double(2 * h), analytic[k], "\(p.name)[\(k)]")
            }
        }
    }
}
