import ArgumentParser
import EntropyCoding
import Foundation
import NN

/// `aeic bench entropy`: range coder throughput on latent-like data: 192 channels of
/// discretised Laplace symbols whose scales spread log-uniformly over 0.05…8, as trained
/// latents do (many nearly-always-zero channels, a few wide ones).
struct BenchEntropy: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "entropy", abstract: "Range coder symbols per second.")
    @OptionGroup var options: BenchOptions
    @Option(help: "Symbols per channel.") var perChannel = 16_384

    static let channels = 192

    /// The channel's table, the same construction the codec uses for its tables.
    static func table(scale: Double) -> CDFTable {
        let range = max(2, Int(scale * 12))
        var p = (-range...range).map { k -> Double in
            let cdf = { (x: Double) in x < 0 ? 0.5 * exp(x / scale) : 1 - 0.5 * exp(-x / scale) }
            return cdf(Double(k) + 0.5) - cdf(Double(k) - 0.5)
        }
        p.append(max(0, 1 - p.reduce(0, +)))
        return CDFTable(offset: Int32(-range), probabilities: p)
    }

    static func scale(_ c: Int) -> Double { 0.05 * pow(160, Double(c) / Double(channels - 1)) }

    func run() {
        let tables = (0..<Self.channels).map { Self.table(scale: Self.scale($0)) }
        var rng = SplitMix64(seed: 9)
        let symbols: [Int32] = (0..<Self.channels).flatMap { c -> [Int32] in
            let s = Self.scale(c)
            return (0..<perChannel).map { _ in
                let u = Double(rng.uniform()) - 0.5
                let v = -s * (u < 0 ? -1 : 1) * log(max(1e-12, 1 - 2 * abs(u)))
                return Int32(v.rounded())
            }
        }
        var bytes: [UInt8] = []
        let encode = medianSeconds(options.repeats) {
            var encoder = RangeEncoder()
            for c in 0..<Self.channels {
                let table = tables[c]
                for i in (c * perChannel)..<((c + 1) * perChannel) { encoder.encode(symbols[i], with: table) }
            }
            bytes = encoder.finish()
        }
        var decoded = [Int32](repeating: 0, count: symbols.count)
        let decode = medianSeconds(options.repeats) {
            var decoder = RangeDecoder(bytes)
            for c in 0..<Self.channels {
                let table = tables[c]
                for i in (c * perChannel)..<((c + 1) * perChannel) { decoded[i] = decoder.decode(with: table) }
            }
        }
        precondition(decoded == symbols, "range coder round trip failed")
        let n = Double(symbols.count)
        if options.json {
            printJSON(["encode_symbols_per_s": n / encode, "decode_symbols_per_s": n / decode,
                       "symbols": n, "bytes": Double(bytes.count)])
        } else {
            print(String(format: "range coder: encode %.1f M symbols/s, decode %.1f M symbols/s (%d symbols, %.3f bits/symbol)",
                         n / encode / 1e6, n / decode / 1e6, symbols.count, Double(bytes.count * 8) / n))
        }
    }
}
