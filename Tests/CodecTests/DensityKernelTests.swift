import CKernels
import Foundation
import XCTest
import NN

/// CKernels' density kernel (the entropy model's f_c on 16 lanes) against a plain loop in
/// Swift doing the same Float operations in the same order: equal to the bit, so that the
/// entropy tables made at export are the same on every CPU. The backward pass is checked
/// against central differences of the loop in Double.
final class DensityKernelTests: XCTestCase {
    static let widths = [1, 3, 3, 3, 1]
    var rng = SplitMix64(seed: 21)

    func values(_ count: Int, scale: Float) -> [Float] { (0..<count).map { _ in (rng.uniform() * 2 - 1) * scale } }

    /// Random constants in the kernel's slots: positive matrices (as after softplus), gates in (−1, 1).
    func constants() -> (matrices: [Float], biases: [Float], gates: [Float]) {
        (values(36, scale: 1).map { abs($0) + 0.05 }, values(12, scale: 2), values(9, scale: 0.9))
    }

    /// The reference loop in generic floating point: `exp` is the kernel's polynomial for
    /// Float (bit for bit) and libm's for Double.
    func reference<T: BinaryFloatingPoint>(_ c: (matrices: [Float], biases: [Float], gates: [Float]), _ x: T,
                                           exp: (T) -> T) -> T {
        let d = DensityKernelTests.widths
        var h: [T] = [x]
        for k in 0...3 {
            var next: [T] = []
            for i in 0..<d[k + 1] {
                var z = T(c.biases[3 * k + i])
                for j in 0..<d[k] { z = z + T(c.matrices[9 * k + i * d[k] + j]) * h[j] }
                if k == 3 { return z }
                let t = 1 - 2 / (exp(2 * z) + 1)
                next.append(z + T(c.gates[3 * k + i]) * t)
            }
            h = next
        }
        fatalError("unreachable")
    }

    /// The kernel's e^x, written as density.c writes it.
    static func polynomialExp(_ x: Float) -> Float {
        let x = min(max(x, -87), 88)
        let shifted = x * 1.44269504 + 12_582_912
        let n = shifted - 12_582_912
        let r = x - n * 0.693359375 + n * 2.1219444e-4
        var p: Float = 1.98756915e-4
        for a: Float in [1.39819995e-3, 8.3334519e-3, 4.16657959e-2, 1.66666555e-1, 5.00000012e-1] { p = p * r + a }
        let e = p * r * r + r + 1
        let integer = Int32(bitPattern: shifted.bitPattern) &- 0x4B40_0000
        return e * Float(bitPattern: UInt32(bitPattern: (integer &+ 127) &<< 23))
    }

    func forward(_ c: (matrices: [Float], biases: [Float], gates: [Float]), _ x: [Float])
        -> (logits: [Float], h: [Float], t: [Float]) {
        var (h, t, logits) = ([Float](repeating: 0, count: 192), [Float](repeating: 0, count: 144),
                              [Float](repeating: 0, count: 16))
        aeic_density_forward(c.matrices, c.biases, c.gates, x, &h, &t, &logits)
        return (logits, h, t)
    }

    func testForwardMatchesLoopToTheBit() {
        for _ in 0..<20 {
            let c = constants(), x = values(16, scale: 3)
            let expected = x.map { reference(c, $0, exp: DensityKernelTests.polynomialExp) }
            XCTAssertEqual(forward(c, x).logits, expected)
            for (l, v) in x.enumerated() {
                XCTAssertEqual(Double(expected[l]), reference(c, Double(v), exp: Foundation.exp), accuracy: 1e-4)
            }
        }
    }

    /// The sigmoid to the bit against the loop, within 3e-7 of libm's, and saturating rather
    /// than overflowing far out.
    func testSigmoidMatchesLoopAndLibm() {
        let x = stride(from: Float(-100), through: 100, by: 0.0137).map { $0 }
        var y = [Float](repeating: .nan, count: x.count)
        aeic_sigmoid(x, &y, x.count)
        XCTAssertEqual(y, x.map { 1 / (1 + DensityKernelTests.polynomialExp(-$0)) })
        for (v, s) in zip(x, y) { XCTAssertEqual(s, 1 / (1 + Foundation.exp(-v)), accuracy: 3e-7, "sigmoid(\(v))") }
    }

    func testBackwardMatchesCentralDifferences() {
        let c = constants(), x = values(16, scale: 3), g = values(16, scale: 1)
        let pass = forward(c, x)
        var dx = [Float](repeating: 0, count: 16)
        var (dm, db, dg) = ([Float](repeating: 0, count: 576), [Float](repeating: 0, count: 192),
                            [Float](repeating: 0, count: 144))
        aeic_density_backward(c.matrices, c.gates, pass.h, pass.t, g, &dx, &dm, &db, &dg)
        // L = Σ_l g_l f(x_l); each constant's gradient is the sum of its 16 lanes.
        func loss(_ c: (matrices: [Float], biases: [Float], gates: [Float]), _ x: [Float]) -> Double {
            zip(x, g).reduce(0) { $0 + Double($1.1) * reference(c, Double($1.0), exp: Foundation.exp) }
        }
        func lanes(_ v: [Float], _ slot: Int) -> Double { (0..<16).reduce(0) { $0 + Double(v[slot * 16 + $1]) } }
        let e: Float = 1e-2
        for l in 0..<16 {
            var (up, down) = (x, x)
            up[l] += e
            down[l] -= e
            let numeric = (loss(c, up) - loss(c, down)) / Double(up[l] - down[l])
            XCTAssertEqual(Double(dx[l]), numeric, accuracy: 1e-3 * max(1, abs(numeric)))
        }
        for (slots, keyPath, grads) in [(0..<36, \(matrices: [Float], biases: [Float], gates: [Float]).matrices, dm),
                                        (0..<12, \.biases, db), (0..<9, \.gates, dg)] {
            for slot in slots {
                var (up, down) = (c, c)
                up[keyPath: keyPath][slot] += e
                down[keyPath: keyPath][slot] -= e
                let numeric = (loss(up, x) - loss(down, x)) / Double(2 * e)
                XCTAssertEqual(lanes(grads, slot), numeric, accuracy: 1e-3 * max(1, abs(numeric)), "slot \(slot)")
            }
        }
    }
}
