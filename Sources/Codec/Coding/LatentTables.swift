import Dispatch
import EntropyCoding

/// Which table codes each symbol of a run of latents (a stage of `LatentSchedule`, or z): a
/// few distinct tables, chosen per channel of a channel-planar array (factorized densities),
/// listed symbol by symbol (the hyperprior's scale indexes), or one per symbol (the mean-scale
/// model's, each picked from the tables and moved by its mean's integer part). Symbols are
/// coded in order.
struct LatentTables {
    /// A symbol's table in `tables` and the shift that moves it.
    typealias Pick = (index: Int, shift: Int32)

    enum Choice {
        /// Symbol k is coded with table k / plane.
        case perChannel(plane: Int)
        /// Symbol k is coded with table indexes[k].
        case listed([UInt8])
        /// Symbol k is coded with tables[pick.index] moved by pick.shift, `picks` giving those
        /// of a range of symbols: a mean-scale model's, picked a block at a time as the
        /// symbols are coded.
        case computed(count: Int, picks: @Sendable (Range<Int>) -> [Pick])
    }

    let tables: [CDFTable]
    let choice: Choice

    /// Symbols whose picks are computed together: 512 KB of them, in cache as they are coded
    /// (8,192 at a time took 3 ms more of compress on kodim05: a dispatch to both threads per block).
    static let blockSize = 32768

    /// How many symbols this codes.
    var count: Int {
        switch choice {
        case .perChannel(let plane): return tables.count * plane
        case .listed(let indexes): return indexes.count
        case .computed(let count, _): return count
        }
    }

    /// The picks of the symbols in `range`; computed ones on two threads (no pick depends on
    /// a symbol of its own run, and on one thread they were 40% of the coding's time).
    func picks(_ range: Range<Int>) -> [Pick] {
        switch choice {
        case .perChannel(let plane): return range.map { ($0 / plane, 0) }
        case .listed(let indexes): return range.map { (Int(indexes[$0]), 0) }
        case .computed(_, let picks):
            let middle = range.lowerBound + range.count / 2
            guard middle > range.lowerBound else { return picks(range) }
            var halves: [[Pick]] = [[], []]
            halves.withUnsafeMutableBufferPointer { out in
                DispatchQueue.concurrentPerform(iterations: 2) { h in
                    out[h] = picks(h == 0 ? range.lowerBound..<middle : middle..<range.upperBound)
                }
            }
            return halves[0] + halves[1]
        }
    }

    /// Calls `body` with every block of symbols, in order, and their picks.
    func forEachBlock(_ body: (Range<Int>, [Pick]) throws -> Void) rethrows {
        for start in stride(from: 0, to: count, by: LatentTables.blockSize) {
            let block = start..<min(start + LatentTables.blockSize, count)
            try body(block, picks(block))
        }
    }

    /// Every symbol's table, moved by its shift, in order.
    var shiftedTables: [CDFTable] {
        picks(0..<count).map { tables[$0.index].shifted(by: $0.shift) }
    }

    // The coder reads the shared table and applies the shift itself: a shifted copy per
    // symbol cost a retain and a release of its frequencies (7% of decoding's samples).
    func encode(_ values: [Int32], into encoder: inout RangeEncoder) {
        precondition(values.count == count, "one value per latent")
        forEachBlock { block, picks in
            for (k, pick) in zip(block, picks) { encoder.encode(values[k], with: tables[pick.index], shift: pick.shift) }
        }
    }

    /// The inverse of `encode`; a payload that ends early is `ContainerError.corruptPayload`.
    func decode(from decoder: inout RangeDecoder) throws -> [Int32] {
        var values = [Int32](repeating: 0, count: count)
        try forEachBlock { block, picks in
            for (k, pick) in zip(block, picks) {
                values[k] = decoder.decode(with: tables[pick.index], shift: pick.shift)
                if decoder.overran { throw ContainerError.corruptPayload }
            }
        }
        return values
    }
}
