import EntropyCoding

/// Which table codes each symbol of a run of latents (a stage of `LatentSchedule`, or z): a
/// few distinct tables, chosen per channel of a channel-planar array (factorized densities),
/// listed symbol by symbol (the hyperprior's scale indexes), or one per symbol (the mean-scale
/// model's). Symbols are coded in order.
struct LatentTables {
    enum Choice {
        /// Symbol k is coded with table k / plane.
        case perChannel(plane: Int)
        /// Symbol k is coded with table indexes[k].
        case listed([UInt8])
        /// Symbol k is coded with table(k) (`tables` is unused): a mean-scale model's, each its
        /// own, picked as the symbol is coded.
        case computed(count: Int, table: (Int) -> CDFTable)
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

    subscript(k: Int) -> CDFTable {
        switch choice {
        case .perChannel(let plane): return tables[k / plane]
        case .listed(let indexes): return tables[Int(indexes[k])]
        case .computed(_, let table): return table(k)
        }
    }

    func encode(_ values: [Int32], into encoder: inout RangeEncoder) {
        precondition(values.count == count, "one value per latent")
        for k in values.indices { encoder.encode(values[k], with: self[k]) }
    }

    /// The inverse of `encode`; a payload that ends early is `ContainerError.corruptPayload`.
    func decode(from decoder: inout RangeDecoder) throws -> [Int32] {
        var values = [Int32](repeating: 0, count: count)
        for k in values.indices {
            values[k] = decoder.decode(with: self[k])
            if decoder.overran { throw ContainerError.corruptPayload }
        }
        return values
    }
}
