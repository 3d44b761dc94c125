import XCTest
@testable import NN

final class ChannelTests: XCTestCase {
    /// Quantizing with a gain per channel rounds x·gain as `Float.rounded()` does: halves away
    /// from zero, at halves, beside them (one ulp either way), at integers, past 2^23 where
    /// every float is whole, and at random values; the clamp keeps the rest finite.
    func testQuantizedRoundsAsFloatRounded() {
        var values: [Float] = [0, -0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0x1p23, -0x1p23, 0x1p24 + 2, 3e9, -3e9]
        for whole in stride(from: Float(-300), through: 300, by: 1) {
            for v in [whole, whole + 0.5] { values += [v, v.nextUp, v.nextDown] }
        }
        var rng = SplitMix64(seed: 4)
        values += (0..<10_000).map { _ in (rng.uniform() - 0.5) * 1e5 }
        let gains: [Float] = [1, 0.37, 2.5]
        let plane = values.count
        let t = Tensor(n: 1, c: 3, h: 1, w: plane, data: values + values + values)
        let expected = gains.flatMap { g in values.map { Int32(min(max($0 * g, -0x1p30), 0x1p30).rounded()) } }
        XCTAssertEqual(t.quantized(channelGains: gains), expected)
    }
}
