import Foundation
import XCTest
@testable import NN

final class LanesTests: XCTestCase {
    /// The vector exp, tanh and sigmoid against libm over the range the entropy model sees
    /// and beyond, where they must saturate rather than overflow.
    func testMathMatchesLibm() {
        let xs = stride(from: Float(-100), through: 100, by: 0.0137).map { $0 }
        for start in stride(from: 0, to: xs.count - 16, by: 16) {
            let x = Lanes((0..<16).map { xs[start + $0] })
            let (e, t, s) = (Lanes.exp(x), Lanes.tanh(x), Lanes.sigmoid(x))
            for l in 0..<16 {
                let v = x[l]
                if abs(v) < 87 {
                    XCTAssertEqual(e[l], Foundation.exp(v), accuracy: Foundation.exp(v) * 2e-6, "exp(\(v))")
                }
                XCTAssertEqual(t[l], Foundation.tanh(v), accuracy: 3e-7, "tanh(\(v))")
                XCTAssertEqual(s[l], 1 / (1 + Foundation.exp(-v)), accuracy: 3e-7, "sigmoid(\(v))")
                XCTAssertTrue(e[l].isFinite && t[l].isFinite && s[l].isFinite)
            }
        }
    }

    func testPartialLoadsAndStoresTouchOnlyTheirLanes() {
        let source = (0..<16).map { Float($0 + 1) }
        var target = [Float](repeating: -1, count: 16)
        source.withUnsafeBufferPointer { src in
            target.withUnsafeMutableBufferPointer { dst in
                let v = Lanes(loading: src.baseAddress!, count: 5)
                XCTAssertEqual(Array((0..<16).map { v[$0] }), [1, 2, 3, 4, 5] + [Float](repeating: 0, count: 11))
                v.store(to: dst.baseAddress!, count: 3)
            }
        }
        XCTAssertEqual(target, [1, 2, 3] + [Float](repeating: -1, count: 13))
        var chunks: [Int] = []
        forEachChunk(37) { start, count in chunks += [start, count] }
        XCTAssertEqual(chunks, [0, 16, 16, 16, 32, 5])
    }
}
