import XCTest
@testable import NN

final class BFloat16GEMMTests: XCTestCase {
    /// On small integers, which bfloat16 holds exactly, the kernel must agree with a naive
    /// triple loop to the last bit: any packing or edge slip shows. Sizes straddle the
    /// register tile (12×32), the blocks (48, 384, 512) and odd k.
    func testMatchesNaiveOracleExactly() throws {
        guard BLASRuntime.bfloat16Supported else { throw XCTSkip("this CPU has no AVX512_BF16") }
        BLASRuntime.gemmPrecision = .bfloat16
        defer { BLASRuntime.gemmPrecision = .float32 }
        var rng = SplitMix64(seed: 4)
        func integers(_ count: Int) -> [Float] { (0..<count).map { _ in Float(Int(rng.next() % 9) - 4) } }
        for (m, n, k) in [(1, 1, 1), (13, 33, 3), (12, 32, 2), (97, 31, 75), (5, 1030, 385), (100, 70, 800), (3, 17, 31)] {
            for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
                for beta: Float in [0, 1] {
                    let a = integers(m * k), b = integers(k * n), start = integers(m * n)
                    var c = start
                    let (lda, ldb) = (transA ? m : k, transB ? k : n)
                    a.withUnsafeBufferPointer { ap in
                        b.withUnsafeBufferPointer { bp in
                            c.withUnsafeMutableBufferPointer { cp in
                                LeftOperand(transA: transA, m: m, k: k, a: ap.baseAddress!, lda: lda)
                                    .multiply(n: n, b: bp.baseAddress!, ldb: ldb, transB: transB, beta: beta,
                                              c: cp.baseAddress!, ldc: n)
                            }
                        }
                    }
                    for i in 0..<m {
                        for j in 0..<n {
                            var sum = beta * start[i * n + j]
                            for p in 0..<k { sum += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]) }
                            XCTAssertEqual(c[i * n + j], sum, "m\(m) n\(n) k\(k) transA \(transA) transB \(transB) beta \(beta) at \(i),\(j)")
                            if c[i * n + j] != sum { return }
                        }
                    }
                }
            }
        }
    }

    /// On general floats the error is bfloat16's: about 2⁻⁹ relative per operand.
    func testRoundingErrorIsBFloat16s() throws {
        guard BLASRuntime.bfloat16Supported else { throw XCTSkip("this CPU has no AVX512_BF16") }
        let (m, n, k) = (40, 50, 300)
        var rng = SplitMix64(seed: 5)
        let a = (0..<m * k).map { _ in rng.uniform() - 0.5 }, b = (0..<k * n).map { _ in rng.uniform() - 0.5 }
        var exact = [Float](repeating: 0, count: m * n), rounded = exact
        for precision in GEMMPrecision.allCases {
            BLASRuntime.gemmPrecision = precision
            var out = [Float](repeating: 0, count: m * n)
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    out.withUnsafeMutableBufferPointer { cp in
                        LeftOperand(m: m, k: k, a: ap.baseAddress!, lda: k)
                            .multiply(n: n, b: bp.baseAddress!, ldb: n, c: cp.baseAddress!, ldc: n)
                    }
                }
            }
            if precision == .float32 { exact = out } else { rounded = out }
        }
        BLASRuntime.gemmPrecision = .float32
        let error = zip(exact, rounded).map { Double(($0 - $1) * ($0 - $1)) }.reduce(0, +).squareRoot()
        let norm = exact.map { Double($0 * $0) }.reduce(0, +).squareRoot()
        XCTAssertLessThan(error / norm, 6e-3)
        XCTAssertGreaterThan(error / norm, 1e-4, "the products were not rounded to bfloat16")
    }
}
