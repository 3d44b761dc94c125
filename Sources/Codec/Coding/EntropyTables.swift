import Foundation
import EntropyCoding
import NN
import Serialization

/// The integer CDF tables that decide every symbol's probability under a factorized density:
/// one per gain vector and channel (for y, one vector per quality 1…100; for the
/// hyperprior's z, one per trained level), made once from the learned density when a model
/// is exported and stored in the model file. Coding reads only these integers, never the
/// density.
public struct EntropyTables: Equatable, Sendable {
    /// Tail mass left to the escape symbol on each side.
    static let tail = 1e-6
    static let maxSymbols = 4096
    public let channels: Int
    let tables: [CDFTable]     // set · channels + channel

    public func table(set: Int, channel: Int) -> CDFTable {
        tables[set * channels + channel]
    }

    /// Tables from the density of `entropy` at each of `gainVectors`.
    public init(entropy: EntropyBottleneck, gainVectors: [[Float]]) {
        channels = entropy.channels
        tables = gainVectors.flatMap { g in
            (0..<entropy.channels).map { EntropyTables.table(entropy, channel: $0, gain: g[$0]) }
        }
    }

    /// The tables of `set` for `channels` planes of `plane` symbols, one table per channel.
    func latentTables(set: Int, plane: Int) -> LatentTables {
        LatentTables(tables: (0..<channels).map { table(set: set, channel: $0) }, choice: .perChannel(plane: plane))
    }

    /// One set per quality 1…100, at its (interpolated) gains.
    public init(entropy: EntropyBottleneck, gains: Gains) {
        self.init(entropy: entropy, gainVectors: Quality.range.map {
            gains.vectors(at: gains.position(quality: $0)).gain
        })
    }

    static func table(_ entropy: EntropyBottleneck, channel c: Int, gain: Float) -> CDFTable {
        let ch = entropy.channel(c)
        let cdf = { (x: Double) -> Double in
            1 / (1 + exp(-Double(entropy.logits(Float(x), ch))))
        }
        let lowX = quantile(cdf, tail), highX = quantile(cdf, 1 - tail)
        var low = Int((lowX * Double(gain)).rounded(.down))
        var high = Int((highX * Double(gain)).rounded(.up))
        if high - low + 1 > maxSymbols {
            let centre = Int((quantile(cdf, 0.5) * Double(gain)).rounded())
            (low, high) = (centre - maxSymbols / 2, centre + maxSymbols / 2 - 1)
        }
        let g = Double(gain)
        var p = (low...high).map { k in cdf((Double(k) + 0.5) / g) - cdf((Double(k) - 0.5) / g) }
        p.append(max(0, cdf((Double(low) - 0.5) / g)) + max(0, 1 - cdf((Double(high) + 0.5) / g)))
        return CDFTable(offset: Int32(low), probabilities: p)
    }

    /// The x where the monotone `cdf` reaches `level`, by bisection.
    static func quantile(_ cdf: (Double) -> Double, _ level: Double) -> Double {
        var lo = -1.0, hi = 1.0
        while cdf(lo) > level && lo > -1e6 { lo *= 2 }
        while cdf(hi) < level && hi < 1e6 { hi *= 2 }
        for _ in 0..<60 {
            let mid = (lo + hi) / 2
            if cdf(mid) < level { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }

    public var encoded: [UInt8] { CDFTable.encode(tables) }

    public init(decoding bytes: [UInt8], sets: Int = Quality.range.count, channels: Int) throws {
        self.channels = channels
        tables = try CDFTable.decode(bytes, count: sets * channels)
    }
}

extension CDFTable {
    // Serialised as: per table, offset (i32), symbol count (u16), then the frequencies as
    // LEB128 varints (most are small tail counts, so one byte instead of two).
    static func encode(_ tables: [CDFTable]) -> [UInt8] {
        var w = ByteWriter()
        for t in tables {
            w.u32(UInt32(bitPattern: t.offset))
            w.u16(UInt16(t.count))
            t.frequencies.forEach { w.varint($0) }
        }
        return w.bytes
    }

    /// `count` tables from `encode`'s bytes, each validated.
    static func decode(_ bytes: [UInt8], count: Int) throws -> [CDFTable] {
        var r = ByteReader(bytes)
        var out: [CDFTable] = []
        do {
            for _ in 0..<count {
                let offset = Int32(bitPattern: try r.u32())
                let count = Int(try r.u16())
                guard count >= 1, count <= r.remaining else { throw ParameterFileError.malformed("CDF table length") }
                let freq = try (0..<count).map { _ in try r.varint() }
                guard let table = CDFTable(offset: offset, frequencies: freq) else {
                    throw ParameterFileError.malformed("CDF table frequencies")
                }
                out.append(table)
            }
        } catch is ByteReader.Truncated {
            throw ParameterFileError.malformed("CDF tables truncated")
        }
        guard r.remaining == 0 else { throw ParameterFileError.malformed("CDF tables have trailing bytes") }
        return out
    }
}
