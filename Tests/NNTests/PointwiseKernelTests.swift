import CKernels
import XCTest
@testable import NN

/// The C kernels' vector paths against plain Swift loops, to the bit, for lengths on both
/// sides of the 16-lane vectors (the scalar tails and the masked loads).
final class PointwiseKernelTests: XCTestCase {
    var rng = SplitMix64(seed: 11)
    let lengths = [0, 1, 15, 16, 17, 31, 32, 33, 47, 100]

    func values(_ count: Int, from low: Float = -1, to high: Float = 1) -> [Float] {
        (0..<count).map { _ in low + (high - low) * rng.uniform() }
    }

    func testGatherAndScatterAddMatchLoops() {
        for count in lengths {
            for stride in 1...3 {
                // The source ends at the last sample read; the vector path must not read past it.
                let source = values(max(1, (count - 1) * stride + 1))
                var gathered = [Float](repeating: .nan, count: count)
                aeic_gather(source, stride, &gathered, count)
                XCTAssertEqual(gathered, (0..<count).map { source[$0 * stride] }, "gather \(count) \(stride)")

                let addend = values(count)
                var target = source, expected = source
                for i in 0..<count { expected[i * stride] += addend[i] }
                aeic_scatter_add(addend, &target, stride, count)
                XCTAssertEqual(target, expected, "scatter_add \(count) \(stride)")
            }
        }
    }

    func testSumFollowsSixteenLaneOrder() {
        for count in lengths + [1000] {
            let x = values(count)
            var partial = [Float](repeating: 0, count: 16)
            for (i, v) in x.enumerated() { partial[i % 16] += v }
            var width = 8
            while width > 0 {
                for i in 0..<width { partial[i] += partial[i + width] }
                width /= 2
            }
            XCTAssertEqual(aeic_sum(x, count).bitPattern, partial[0].bitPattern, "\(count)")
        }
    }

    func testGDNPointwiseMatchesLoops() {
        for count in lengths {
            let x = values(count), dy = values(count), mixed = values(count, from: 0, to: 2)
            let beta: Float = 0.3
            var squares = [Float](repeating: 0, count: count)
            aeic_square(x, &squares, count)
            XCTAssertEqual(squares, x.map { $0 * $0 })
            for inverse in [false, true] {
                var s = mixed, y = [Float](repeating: 0, count: count)
                aeic_gdn_normalise(x, &s, beta, &y, count, inverse)
                let norms = mixed.map { ($0 + beta).squareRoot() }
                XCTAssertEqual(s, norms)
                XCTAssertEqual(y, (0..<count).map { inverse ? x[$0] * norms[$0] : x[$0] / norms[$0] })

                var sq = [Float](repeating: 0, count: count), v = sq, dx = sq
                aeic_gdn_backward_pointwise(x, norms, dy, &sq, &v, &dx, count, inverse)
                let expectedV = (0..<count).map { i -> Float in
                    let (d, xi, si) = (dy[i], x[i], norms[i])
                    return inverse ? d * xi / (2 * si) : -d * xi / (2 * si * si * si)
                }
                XCTAssertEqual(sq, x.map { $0 * $0 })
                XCTAssertEqual(v.map(\.bitPattern), expectedV.map(\.bitPattern), "v \(count) \(inverse)")
                XCTAssertEqual(dx, (0..<count).map { inverse ? dy[$0] * norms[$0] : dy[$0] / norms[$0] })

                let start = dx
                aeic_gdn_backward_input(&dx, x, v, count)
                XCTAssertEqual(dx, (0..<count).map { start[$0] + 2 * x[$0] * v[$0] })
            }
        }
    }
}
