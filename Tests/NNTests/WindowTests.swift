import XCTest
@testable import NN

final class WindowTests: XCTestCase {
    func testReflectMirrorsAboutTheEdgeSamples() {
        XCTAssertEqual((-4...7).map { reflect($0, 4) }, [2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1])
        XCTAssertEqual((-2...2).map { reflect($0, 1) }, [0, 0, 0, 0, 0])
    }

    /// A window inside is a crop; past the edges it mirrors; paste puts a region back.
    func testWindowAndPaste() {
        let t = Tensor(n: 1, c: 2, h: 2, w: 3, data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])
        XCTAssertEqual(t.window(y: 0, x: 1, height: 2, width: 2).data, [2, 3, 5, 6, 8, 9, 11, 12])
        XCTAssertEqual(t.window(y: -1, x: 2, height: 1, width: 3).data, [6, 5, 4, 12, 11, 10])
        var canvas = Tensor(n: 1, c: 2, h: 2, w: 3)
        canvas.paste(t.window(y: 0, x: 0, height: 2, width: 3), from: (1, 1), height: 1, width: 2, to: (0, 0))
        XCTAssertEqual(canvas.data, [5, 6, 0, 0, 0, 0, 11, 12, 0, 0, 0, 0])
    }

    /// A crop in place keeps what a window at the origin copies, for every size inside.
    func testCropInPlaceMatchesTheWindow() {
        let t = Tensor(n: 2, c: 3, h: 5, w: 7, data: (0..<210).map(Float.init))
        for (height, width) in [(5, 7), (5, 4), (2, 7), (3, 2), (1, 1)] {
            var cropped = t
            cropped.crop(height: height, width: width)
            XCTAssertEqual(cropped, t.window(y: 0, x: 0, height: height, width: width), "\(height)×\(width)")
        }
    }

    func testCoresCoverTheLengthOnTheGrid() {
        XCTAssertEqual(cores(1000, tile: 768, granularity: 8), [0..<504, 504..<1000])
        XCTAssertEqual(cores(768, tile: 768, granularity: 8), [0..<768])
        XCTAssertEqual(cores(5, tile: 768, granularity: 8), [0..<5])
    }
}
