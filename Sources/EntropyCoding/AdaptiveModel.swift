/// A counting model for a small alphabet (side information such as alpha planes): every
/// symbol starts with count 1, each coded symbol adds `increment`, and all counts are halved
/// (staying ≥ 1) when the total would pass 2^16. Encoder and decoder update identically.
public struct AdaptiveModel: Sendable {
    public let size: Int
    private var counts: [UInt32]
    private var total: UInt32
    let increment: UInt32 = 24
    static let limit: UInt32 = 1 << 16

    public init(size: Int) {
        precondition(size >= 2 && size <= 1024, "adaptive alphabet must have 2…1024 symbols")
        self.size = size
        counts = [UInt32](repeating: 1, count: size)
        total = UInt32(size)
    }

    private func cumulative(_ symbol: Int) -> UInt32 {
        var c: UInt32 = 0
        for i in 0..<symbol { c += counts[i] }
        return c
    }

    private mutating func update(_ symbol: Int) {
        counts[symbol] += increment
        total += increment
        if total > AdaptiveModel.limit {
            total = 0
            for i in 0..<size {
                counts[i] = (counts[i] + 1) / 2
                total += counts[i]
            }
        }
    }

    public mutating func encode(_ symbol: Int, _ encoder: inout RangeEncoder) {
        precondition(symbol >= 0 && symbol < size, "symbol outside the alphabet")
        encoder.encode(cumulative: cumulative(symbol), frequency: counts[symbol], total: total)
        update(symbol)
    }

    public mutating func decode(_ decoder: inout RangeDecoder) -> Int {
        let v = decoder.target(total: total)
        var symbol = 0, c: UInt32 = 0
        while symbol < size - 1 && c + counts[symbol] <= v {
            c += counts[symbol]
            symbol += 1
        }
        decoder.consume(cumulative: c, frequency: counts[symbol])
        update(symbol)
        return symbol
    }
}
