import CKernels
import XCTest
@testable import NN
import GradientChecking

final class PairGEMMTests: XCTestCase {
    /// The paired precisions this CPU runs.
    var supported: [GEMMPrecision] {
        [GEMMPrecision.bfloat16, .int16].filter { $0 == .bfloat16 ? BLASRuntime.bfloat16Supported : BLASRuntime.int16Supported }
    }

    /// Integers that `precision` holds exactly, A's and B's: for bfloat16 within ±4; for int16
    /// A's up to ±2,047 and B's within ±8 (past bfloat16's exact integers), sums under 2^24.
    func operandBounds(_ precision: GEMMPrecision) -> (a: Int, b: Int) { precision == .int16 ? (2047, 8) : (4, 4) }

    /// On integers that the precision holds exactly, the kernel must agree with a naive
    /// triple loop to the last bit: any packing or edge slip shows. Sizes straddle the
    /// register tile (12×32), the blocks (48, 384, 512) and odd k.
    func testMatchesNaiveOracleExactly() throws {
        if supported.isEmpty { throw XCTSkip("this CPU has neither AVX512_BF16 nor AVX512_VNNI") }
        for precision in supported { try matchesNaiveOracle(precision) }
    }

    func matchesNaiveOracle(_ precision: GEMMPrecision) throws {
        var rng = SplitMix64(seed: 4)
        func integers(_ count: Int, _ bound: Int) -> [Float] {
            (0..<count).map { _ in Float(Int(rng.next() % UInt64(2 * bound + 1)) - bound) }
        }
        let bounds = operandBounds(precision)
        for (m, n, k) in [(1, 1, 1), (13, 33, 3), (12, 32, 2), (97, 31, 75), (5, 1030, 385), (100, 70, 800), (3, 17, 31)] {
            for (transA, transB) in [(false, false), (true, false), (false, true), (true, true)] {
                for beta: Float in [0, 1] {
                    let a = integers(m * k, bounds.a), b = integers(k * n, bounds.b), start = integers(m * n, 4)
                    var c = start
                    let (lda, ldb) = (transA ? m : k, transB ? k : n)
                    a.withUnsafeBufferPointer { ap in
                        b.withUnsafeBufferPointer { bp in
                            c.withUnsafeMutableBufferPointer { cp in
                                LeftOperand(transA: transA, m: m, k: k, a: ap.baseAddress!, lda: lda, precision: precision)
                                    .multiply(n: n, b: bp.baseAddress!, ldb: ldb, transB: transB, beta: beta,
                                              c: cp.baseAddress!, ldc: n)
                            }
                        }
                    }
                    for i in 0..<m {
                        for j in 0..<n {
                            var sum = beta * start[i * n + j]
                            for p in 0..<k { sum += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]) }
                            XCTAssertEqual(c[i * n + j], sum, "\(precision) m\(m) n\(n) k\(k) transA \(transA) transB \(transB) beta \(beta) at \(i),\(j)")
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
        for precision in [GEMMPrecision.float32, .bfloat16] {
            var out = [Float](repeating: 0, count: m * n)
            a.withUnsafeBufferPointer { ap in
                b.withUnsafeBufferPointer { bp in
                    out.withUnsafeMutableBufferPointer { cp in
                        LeftOperand(m: m, k: k, a: ap.baseAddress!, lda: k, precision: precision)
                            .multiply(n: n, b: bp.baseAddress!, ldb: n, c: cp.baseAddress!, ldc: n)
                    }
                }
            }
            if precision == .float32 { exact = out } else { rounded = out }
        }
        let error = zip(exact, rounded).map { Double(($0 - $1) * ($0 - $1)) }.reduce(0, +).squareRoot()
        let norm = exact.map { Double($0 * $0) }.reduce(0, +).squareRoot()
        XCTAssertLessThan(error / norm, 6e-3)
        XCTAssertGreaterThan(error / norm, 1e-4, "the products were not rounded to bfloat16")
    }

    /// Columns of a stride-2 or stride-1 convolution packed straight from the image must hand
    /// the kernel the very operands that im2col and its packing do, and the bias the kernel
    /// adds must be the one sgemm accumulates onto: the results agree to the bit (and in
    /// int16, on integers, with sgemm's). The cases cover odd k, k and m past the
    /// blocks (384, 48), n past 512 (more than one block of grid rows, with k past 384 too), a
    /// last half panel, padding on every side, even and 1×1 kernels and the pairs that straddle
    /// kernel rows.
    func testPackedColumnsMatchIm2colExactly() throws {
        if supported.isEmpty { throw XCTSkip("this CPU has neither AVX512_BF16 nor AVX512_VNNI") }
        for precision in supported { packedColumnsMatchIm2col(precision) }
    }

    func packedColumnsMatchIm2col(_ precision: GEMMPrecision) {
        let cases: [(c: Int, h: Int, w: Int, k: Int, s: Int, p: Int, rows: Range<Int>, m: Int)] = [
            (3, 37, 32, 5, 2, 2, 0..<19, 13), (20, 21, 64, 5, 2, 2, 3..<9, 50), (1, 9, 31, 3, 2, 1, 0..<5, 4),
            (2, 12, 32, 4, 2, 1, 1..<5, 7), (3, 8, 64, 2, 2, 0, 0..<3, 12), (5, 30, 96, 5, 2, 2, 14..<15, 2),
            (4, 40, 64, 3, 2, 1, 0..<20, 9), (20, 40, 64, 5, 2, 2, 0..<20, 50),
            (3, 9, 16, 3, 1, 1, 0..<9, 24), (24, 20, 48, 3, 1, 1, 5..<13, 50), (5, 7, 32, 5, 1, 2, 0..<7, 3),
            (7, 6, 17, 2, 1, 0, 1..<5, 12), (9, 4, 16, 1, 1, 0, 0..<4, 5), (1, 3, 18, 3, 1, 0, 0..<1, 4),
        ]
        for (i, t) in cases.enumerated() {
            let g = ConvGeometry(channels: t.c, height: t.h, width: t.w, kernel: t.k, stride: t.s, padding: t.p)
            precondition(g.outWidth % 16 == 0)
            // int16 needs integers: A's within ±2,047 and the image's within ±8 (as above).
            let integral = precision == .int16
            let x = randomTensor(n: 1, c: t.c, h: t.h, w: t.w, seed: UInt64(30 + i)).map { integral ? ($0 * 8).rounded() : $0 }
            let a = randomTensor(n: 1, c: 1, h: t.m, w: g.colRows, seed: UInt64(60 + i)).data.map { integral ? ($0 * 2047).rounded() : $0 }
            let bias = randomTensor(n: 1, c: 1, h: 1, w: t.m, seed: UInt64(80 + i)).data.map { integral ? ($0 * 100).rounded() : $0 }
            let n = t.rows.count * g.outWidth
            var col = [Float](repeating: 0, count: g.colRows * n)
            var workspace = [UInt32](repeating: 0xFFFF_FFFF, count: aeic_pair_conv_workspace(Int32(g.colRows), Int32(g.outWidth)))
            var viaIm2col = (0..<t.m * n).map { bias[$0 / n] }, viaPacking = [Float](repeating: 0, count: t.m * n)
            var viaSgemm = viaIm2col
            x.data.withUnsafeBufferPointer { xp in
                a.withUnsafeBufferPointer { ap in
                    let w = LeftOperand(m: t.m, k: g.colRows, a: ap.baseAddress!, lda: g.colRows, precision: precision)
                    im2col(xp.baseAddress!, g, rows: t.rows, &col)
                    w.multiply(n: n, b: col, ldb: n, beta: 1, c: &viaIm2col, ldc: n)
                    LeftOperand(m: t.m, k: g.colRows, a: ap.baseAddress!, lda: g.colRows, precision: .float32)
                        .multiply(n: n, b: col, ldb: n, beta: 1, c: &viaSgemm, ldc: n)
                    w.convolve(xp.baseAddress!, g, rows: t.rows, bias: bias, c: &viaPacking, ldc: n, workspace: &workspace)
                }
            }
            let first = viaIm2col.indices.first { viaIm2col[$0] != viaPacking[$0] }
            XCTAssertNil(first, "\(precision) case \(t): the products differ first at \(first ?? 0)")
            if precision == .int16 { XCTAssertEqual(viaPacking, viaSgemm, "int16 case \(t): not sgemm's integers") }
        }
    }

    /// GDN's x² squared and packed in one pass must give the kernel the operands that the
    /// squares and their packing do: odd k, and n ending in either half of a panel.
    func testPackedSquaresMatchSquaringExactly() throws {
        guard BLASRuntime.bfloat16Supported else { throw XCTSkip("this CPU has no AVX512_BF16") }
        for (i, (m, k, n, ld)) in [(5, 7, 9, 11), (13, 128, 700, 700), (12, 33, 40, 45), (3, 2, 1, 1)].enumerated() {
            let x = randomTensor(n: 1, c: 1, h: k, w: ld, seed: UInt64(90 + i)).data
            let a = randomTensor(n: 1, c: 1, h: m, w: k, seed: UInt64(95 + i)).data
            var squares = [Float](repeating: 0, count: k * n)
            for r in 0..<k { for j in 0..<n { squares[r * n + j] = x[r * ld + j] * x[r * ld + j] } }
            var packed = [UInt32](repeating: 0xFFFF_FFFF, count: aeic_pair_packed_b_size(Int32(k), Int32(n)))
            var viaSquares = [Float](repeating: 0, count: m * n), viaPacking = viaSquares
            a.withUnsafeBufferPointer { ap in
                let w = LeftOperand(m: m, k: k, a: ap.baseAddress!, lda: k, precision: .bfloat16)
                w.multiply(n: n, b: squares, ldb: n, c: &viaSquares, ldc: n)
                aeic_pair_pack_squares(x, ld, Int32(k), Int32(n), &packed)
                w.multiply(n: n, packedB: packed, c: &viaPacking, ldc: n)
            }
            let first = viaSquares.indices.first { viaSquares[$0] != viaPacking[$0] }
            XCTAssertNil(first, "m\(m) k\(k) n\(n): the products differ first at \(first ?? 0)")
        }
    }
}
