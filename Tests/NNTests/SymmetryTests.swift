import XCTest
@testable import NN

final class SymmetryTests: XCTestCase {
    let x = Tensor(n: 1, c: 2, h: 2, w: 3, data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])

    /// Each symmetry moves samples where its name says, on every plane.
    func testEachSymmetryOnASmallImage() {
        let transpose = x.applying(Symmetry(flipRows: false, flipColumns: false, transpose: true))
        XCTAssertEqual(transpose.shape, [1, 2, 3, 2])
        XCTAssertEqual(transpose.data, [1, 4, 2, 5, 3, 6, 7, 10, 8, 11, 9, 12])
        XCTAssertEqual(x.applying(Symmetry(flipRows: true, flipColumns: false, transpose: false)).data,
                       [4, 5, 6, 1, 2, 3, 10, 11, 12, 7, 8, 9])
        XCTAssertEqual(x.applying(Symmetry(flipRows: false, flipColumns: true, transpose: true)).data,
                       [3, 6, 2, 5, 1, 4, 9, 12, 8, 11, 7, 10])
    }

    /// The eight give eight different images, and undoing one gives the image back.
    func testTheEightAreDistinctAndUndone() {
        let square = Tensor(n: 2, c: 1, h: 3, w: 3, data: (0..<18).map(Float.init))
        XCTAssertEqual(Set(Symmetry.all.map { square.applying($0).data }).count, 8)
        for s in Symmetry.all {
            XCTAssertEqual(x.applying(s).undoing(s), x, "\(s)")
            XCTAssertEqual(square.applying(s).undoing(s), square, "\(s)")
        }
    }
}
