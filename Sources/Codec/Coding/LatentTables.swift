import EntropyCoding

/// Which table codes each symbol of a run of latents (a stage of `LatentSchedule`, or z): a
/// few distinct tables, chosen per channel of a channel-planar array (factorized densities),
/// listed symbol by symbol (the hyperprior's scale indexes), or one per symbol (the mean-scale
/// model's, each picked from the tables and moved by its mean's integer part). Symbols are
/// coded in order.
struct LatentTables {
    enum Choice {
        /// Symbol k is coded with table k / plane.
        case perChannel(plane: Int)
        /// Symbol k is coded with table indexes[k].
        case listed([UInt8])
        /// Symbol k is coded with tables[pick(k).index] moved by pick(k).shift: a mean-scale
        /// model's, picked as the symbol is coded.
        case computed(count: Int, pick: (Int) -> (index: Int, shift: Int32))
    }

    let tables: [CDFTable]
    let choice: Choice

    /// How many symbols this codes.
    var count: Int {
        switch choice {
        case .perChannel(let plane): return tables.count * plane
        case .listed(let indexes): return indexes.count
        case .computed(let count, _): return count
        }
    }

    /// Symbol k's table in `tables` and the shift that moves it.
    var pick: (Int) -> (index: Int, shift: Int32) {
        switch choice {
        case .perChannel(let plane): return { ($0 / plane, 0) }
        case .listed(let indexes): return { (Int(indexes[$0]), 0) }
        case .computed(_, let pick): return pick
        }
    }

    subscript(k: Int) -> CDFTable {
        let (index, shift) = pick(k)
        return tables[index].shifted(by: shift)
    }

    // The coder reads the shared table and applies the shift itself: a shifted copy per
    // symbol cost a retain and a release of its frequencies (7% of decoding's samples).
    func encode(_ values: [Int32], into encoder: inout RangeEncoder) {
        precondition(values.count == count, "one value per latent")
        let pick = self.pick
        for k in values.indices {
            let (index, shift) = pick(k)
            encoder.encode(values[k], with: tables[index], shift: shift)
        }
    }

    /// The inverse of `encode`; a payload that ends early is `ContainerError.corruptPayload`.
    func decode(from decoder: inout RangeDecoder) throws -> [Int32] {
        var values = [Int32](repeating: 0, count: count)
        let pick = self.pick
        for k in values.indices {
            let (index, shift) = pick(k)
            values[k] = decoder.decode(with: tables[index], shift: shift)
            if decoder.overran { throw ContainerError.corruptPayload }
        }
        return values
    }
}
