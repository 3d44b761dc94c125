import XCTest
@testable import EntropyCoding

/// A small deterministic generator for the tests (SplitMix64).
struct TestRandom {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

/// A discretised Laplace distribution over −range…range (the last entry is the escape).
func laplace(scale: Double, range: Int) -> [Double] {
    var p = (-range...range).map { k -> Double in
        let cdf = { (x: Double) in x < 0 ? 0.5 * exp(x / scale) : 1 - 0.5 * exp(-x / scale) }
        return cdf(Double(k) + 0.5) - cdf(Double(k) - 0.5)
    }
    p.append(max(0, 1 - p.reduce(0, +)))
    return p
}

/// Draws from the table's own integer distribution (so the ideal size is exact).
func sample(_ table: CDFTable, _ rng: inout TestRandom) -> Int32 {
    let u = UInt32(rng.next() % (1 << 16))
    var s = 0
    while table.cdf[s + 1] <= u { s += 1 }
    return s == table.count - 1 ? table.offset + Int32(table.count - 1) + 3 : table.offset + Int32(s)
}

final class RangeCoderTests: XCTestCase {
    func roundTrip(_ values: [Int32], _ tables: [CDFTable], file: StaticString = #filePath, line: UInt = #line) -> Int {
        var encoder = RangeEncoder()
        for (i, v) in values.enumerated() { encoder.encode(v, with: tables[i % tables.count]) }
        let bytes = encoder.finish()
        var decoder = RangeDecoder(bytes)
        for (i, v) in values.enumerated() {
            XCTAssertEqual(decoder.decode(with: tables[i % tables.count]), v, "symbol \(i)", file: file, line: line)
        }
        XCTAssertFalse(decoder.isDamaged, file: file, line: line)
        return bytes.count
    }

    /// Frequencies from a damaged file that do not sum to 2^16, even by overflowing UInt32
    /// (the fuzzer's first finding), make no table.
    func testTablesRefuseFrequenciesThatDoNotSum() {
        XCTAssertNil(CDFTable(offset: 0, frequencies: [UInt32.max, 65537]))
        XCTAssertNil(CDFTable(offset: 0, frequencies: [1, 65534]))
        XCTAssertNil(CDFTable(offset: 0, frequencies: [0, 65536]))
        XCTAssertNotNil(CDFTable(offset: 0, frequencies: [1, 65535]))
    }

    func testEmptyStream() {
        var encoder = RangeEncoder()
        var decoder = RangeDecoder(encoder.finish())
        XCTAssertFalse(decoder.isDamaged)
        _ = decoder.decodeBits(count: 1)
    }

    func testRandomSourcesRoundTrip() {
        var rng = TestRandom(state: 1)
        for scale in [0.05, 0.5, 3, 40] {
            let table = CDFTable(offset: -20, probabilities: laplace(scale: scale, range: 20))
            let values = (0..<20_000).map { _ in sample(table, &rng) }
            _ = roundTrip(values, [table])
        }
    }

    func testNearZeroAndNearOneProbabilities() {
        // One symbol holds nearly all the mass; the others sit at frequency 1 (p = 2⁻¹⁶).
        let table = CDFTable(offset: 0, probabilities: [1, 0, 0, 0])
        XCTAssertEqual(table.frequencies, [65533, 1, 1, 1])
        let values: [Int32] = Array(repeating: 0, count: 100_000) + [1, 2, 0, 2, 1] + Array(repeating: 2, count: 300)
        let size = roundTrip(values, [table])
        let ideal = values.reduce(0.0) { bits, v in
            bits - log2(Double(table.frequencies[Int(v)]) / 65536)
        } / 8
        XCTAssertLessThanOrEqual(Double(size), ideal * 1.005 + 16, "coded \(size) B, ideal \(ideal) B")
    }

    func testEscapesCodeAnyInteger() {
        let table = CDFTable(offset: -2, probabilities: laplace(scale: 1, range: 2))
        let values: [Int32] = [-3, 3, 100, -100, Int32.max, Int32.min, 0, 65_535, -70_000, 1 << 20]
        _ = roundTrip(values, [table])
    }

    func testBypassAndExpGolomb() {
        var encoder = RangeEncoder()
        let numbers: [UInt32] = [0, 1, 2, 3, 255, 65_535, 65_536, 1 << 31, UInt32.max]
        numbers.forEach { encoder.encodeExpGolomb($0) }
        encoder.encodeBits(0xBEEF, count: 16)
        var decoder = RangeDecoder(encoder.finish())
        for n in numbers { XCTAssertEqual(decoder.decodeExpGolomb(), n) }
        XCTAssertEqual(decoder.decodeBits(count: 16), 0xBEEF)
    }

    /// `bits` is what the coder spends: coding 20,000 copies of a value takes 20,000·bits
    /// within 0.5 % (+ a few bytes), for covered values and escapes on either side.
    func testBitsIsWhatTheCoderSpends() {
        let table = CDFTable(offset: -4, probabilities: laplace(scale: 1.5, range: 4))
        for value: Int32 in [0, 2, -4, 4, 5, -5, 9, -40, 1000, -70_000] {
            var encoder = RangeEncoder()
            for _ in 0..<20_000 { encoder.encode(value, with: table) }
            let coded = Double(encoder.finish().count) * 8, predicted = 20_000 * Double(table.bits(value))
            XCTAssertEqual(coded, predicted, accuracy: predicted * 0.005 + 64, "value \(value)")
        }
    }

    /// Over a million symbols, the coded size is within 0.5 % (+ a few bytes) of −Σ log2 p.
    func testSizeNearIdeal() {
        var rng = TestRandom(state: 7)
        let tables = [0.3, 1.5, 8].map { CDFTable(offset: -40, probabilities: laplace(scale: $0, range: 40)) }
        var values: [Int32] = []
        var ideal = 0.0
        for i in 0..<1_050_000 {
            let table = tables[i % 3]
            let v = sample(table, &rng)
            let s = Int(v - table.offset)
            if s < table.count - 1 {
                ideal -= log2(Double(table.cdf[s + 1] - table.cdf[s]) / 65536)
            } else {
                let e = table.count - 1
                ideal -= log2(Double(table.cdf[e + 1] - table.cdf[e]) / 65536)
                ideal += 1 + 5   // the sign bit and Exp-Golomb of the distance 3 (5 bits)
            }
            values.append(v)
        }
        let bytes = roundTrip(values, tables)
        let idealBytes = ideal / 8
        XCTAssertLessThanOrEqual(Double(bytes), idealBytes * 1.005 + 16, "coded \(bytes) B, ideal \(idealBytes) B")
    }

    func testAdaptiveModelRoundTripAndAdapts() {
        var rng = TestRandom(state: 3)
        let symbols = (0..<50_000).map { _ in rng.uniform() < 0.9 ? 7 : Int(rng.next() % 16) }
        var model = AdaptiveModel(size: 16)
        var encoder = RangeEncoder()
        symbols.forEach { model.encode($0, &encoder) }
        let bytes = encoder.finish()
        var decoderModel = AdaptiveModel(size: 16)
        var decoder = RangeDecoder(bytes)
        for s in symbols { XCTAssertEqual(decoderModel.decode(&decoder), s) }
        // Entropy of the source ≈ 0.9·log2(1/0.906) + 15·(0.00625·log2(1/0.00625)) ≈ 0.8 bits
        XCTAssertLessThan(Double(bytes.count * 8) / Double(symbols.count), 0.9)
    }

    func testDamagedInputNeverTraps() {
        let table = CDFTable(offset: -5, probabilities: laplace(scale: 2, range: 5))
        var rng = TestRandom(state: 11)
        for _ in 0..<200 {
            let garbage = (0..<Int(rng.next() % 40)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            var decoder = RangeDecoder(garbage)
            for _ in 0..<100 { _ = decoder.decode(with: table) }
        }
    }
}
