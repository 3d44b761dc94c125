import Foundation
import XCTest
@testable import NN

final class LanesTests: XCTestCase {
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
