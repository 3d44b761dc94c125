import Foundation

/// A static distribution over the integers offset, offset+1, …, offset+count−2, plus an
/// escape symbol (the last) for every integer outside that range. Frequencies are integers
/// summing to 2^precision, each at least 1, so every value stays codable.
public struct CDFTable: Equatable, Sendable {
    public static let precision = 16
    public let offset: Int32
    /// Cumulative frequencies, count + 1 entries from 0 to 2^precision.
    public let cdf: [UInt32]

    public var count: Int { cdf.count - 1 }

    /// A table from integer frequencies; nil unless each is ≥ 1 and they sum to 2^precision.
    public init?(offset: Int32, frequencies: [UInt32]) {
        // Summed wide: frequencies read from a file may be anything a UInt32 holds.
        guard frequencies.count >= 1, frequencies.allSatisfy({ $0 >= 1 }),
              frequencies.reduce(UInt64(0), { $0 + UInt64($1) }) == 1 << CDFTable.precision else { return nil }
        self.offset = offset
        var running: UInt32 = 0
        cdf = [0] + frequencies.map { running += $0; return running }
    }

    /// Quantises probabilities (the last one the escape's, all ≥ 0) to frequencies that keep
    /// every symbol at ≥ 1 and sum exactly to 2^precision.
    public init(offset: Int32, probabilities: [Double]) {
        let total = 1 << CDFTable.precision
        precondition(probabilities.count >= 1 && probabilities.count < total / 2, "table too large")
        let sum = max(probabilities.reduce(0, +), 1e-300)
        let spare = Double(total - probabilities.count)
        var freq = probabilities.map { 1 + Int((max($0, 0) / sum * spare).rounded(.down)) }
        // Hand out what rounding left, largest remainder first (ties by index: deterministic).
        var left = total - freq.reduce(0, +)
        let order = probabilities.indices.sorted {
            let a = max(probabilities[$0], 0) / sum * spare, b = max(probabilities[$1], 0) / sum * spare
            let ra = a - a.rounded(.down), rb = b - b.rounded(.down)
            return ra != rb ? ra > rb : $0 < $1
        }
        var i = 0
        while left > 0 { freq[order[i % order.count]] += 1; left -= 1; i += 1 }
        self.init(offset: offset, frequencies: freq.map(UInt32.init))!
    }

    private init(offset: Int32, cdf: [UInt32]) { (self.offset, self.cdf) = (offset, cdf) }

    /// The same distribution moved by `shift` (a mean's integer part): it shares the
    /// frequencies, so a table per latent costs no copy.
    public func shifted(by shift: Int32) -> CDFTable { CDFTable(offset: offset &+ shift, cdf: cdf) }

    public var frequencies: [UInt32] { (0..<count).map { cdf[$0 + 1] - cdf[$0] } }
    var escape: Int { count - 1 }

    /// What `RangeEncoder.encode(_:with:)` spends on `value`, in bits: −log2 of its
    /// symbol's probability, and for an escaped value also the sign bit and the Exp-Golomb
    /// code of its distance past the covered range.
    public func bits(_ value: Int32) -> Float {
        let index = Int64(value) - Int64(offset)
        let symbol = index >= 0 && index < Int64(escape) ? Int(index) : escape
        let cost = Float(CDFTable.precision) - log2(Float(cdf[symbol + 1] - cdf[symbol]))
        guard symbol == escape else { return cost }
        let distance = index < 0 ? -index - 1 : index - Int64(escape)
        return cost + 1 + Float(2 * (63 - UInt64(distance + 1).leadingZeroBitCount) + 1)
    }
}

extension RangeEncoder {
    /// Codes an integer with a table (moved by `shift`, as `table.shifted(by: shift)`): its
    /// own symbol when the table covers it, else the escape symbol, a sign bit and the
    /// distance past the covered range in Exp-Golomb.
    public mutating func encode(_ value: Int32, with table: CDFTable, shift: Int32 = 0) {
        let index = Int64(value) - Int64(table.offset &+ shift)
        let covered = Int64(table.escape)
        if index >= 0 && index < covered {
            let s = Int(index)
            encode(cumulative: table.cdf[s], frequency: table.cdf[s + 1] - table.cdf[s],
                   totalBits: CDFTable.precision)
            return
        }
        let e = table.escape
        encode(cumulative: table.cdf[e], frequency: table.cdf[e + 1] - table.cdf[e],
               totalBits: CDFTable.precision)
        let below = index < 0
        encodeBits(below ? 1 : 0, count: 1)
        encodeExpGolomb(UInt32(truncatingIfNeeded: below ? -index - 1 : index - covered))
    }
}

extension RangeDecoder {
    /// The inverse of `RangeEncoder.encode(_:with:shift:)`.
    public mutating func decode(with table: CDFTable, shift: Int32 = 0) -> Int32 {
        let v = target(totalBits: CDFTable.precision)
        // The last cdf entry not above v (binary search; cdf[0] = 0 ≤ v always).
        var lo = 0, hi = table.count
        while hi - lo > 1 {
            let mid = (lo + hi) >> 1
            if table.cdf[mid] <= v { lo = mid } else { hi = mid }
        }
        consume(cumulative: table.cdf[lo], frequency: table.cdf[lo + 1] - table.cdf[lo])
        let offset = table.offset &+ shift
        guard lo == table.escape else { return offset &+ Int32(lo) }
        let below = decodeBits(count: 1) == 1
        let distance = Int64(decodeExpGolomb())
        let index = below ? -distance - 1 : distance + Int64(table.escape)
        let value = Int64(offset) + index
        guard let result = Int32(exactly: value) else { markDamaged(); return 0 }
        return result
    }
}
