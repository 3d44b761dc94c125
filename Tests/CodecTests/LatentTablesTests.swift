import XCTest
import EntropyCoding
@testable import Codec

final class LatentTablesTests: XCTestCase {
    /// Symbols picked a block at a time, on two threads, are coded as if each were picked
    /// and coded on its own: the same bytes as the range coder given each table in turn, and
    /// back, over runs that end inside a block, on a block's edge and after several.
    func testBlocksCodeAsSymbolBySymbol() throws {
        let tables = GaussianConditional.tables
        func pick(_ k: Int) -> LatentTables.Pick { ((k * 7919) % tables.count, Int32(k % 5) - 2) }
        let block = LatentTables.blockSize
        for count in [0, 1, 1000, block, 3 * block + 17] {
            let latents = LatentTables(tables: tables, choice: .computed(count: count) { $0.map(pick) })
            let values = (0..<count).map { Int32(($0 * 31) % 9) - 4 + pick($0).shift }
            var oracle = RangeEncoder()
            for k in 0..<count { oracle.encode(values[k], with: tables[pick(k).index].shifted(by: pick(k).shift)) }
            var encoder = RangeEncoder()
            latents.encode(values, into: &encoder)
            let bytes = encoder.finish()
            XCTAssertEqual(bytes, oracle.finish(), "\(count) symbols")
            var decoder = RangeDecoder(bytes)
            XCTAssertEqual(try latents.decode(from: &decoder), values, "\(count) symbols")
            XCTAssertEqual(latents.shiftedTables, (0..<count).map { tables[pick($0).index].shifted(by: pick($0).shift) })
        }
    }
}
