import CKernels
import Foundation
import NN
import Serialization

// ẑ: Nh, ⌈H/64⌉, ⌈W/64⌉ (integers);  indexes: M, ⌈H/16⌉, ⌈W/16⌉ (into the scale table)

/// Which Gaussian table codes each latent under the hyperprior: h_s as an `IntegerNetwork`
/// on ẑ times z's decoder gains, its output times y's gains compared with integer thresholds,
/// so that the encoder and every decoder pick the same table.
public final class ScaleIndexer {
    /// Fixed-point bits of the per-quality gains.
    static let gainBits = 16

    /// The integers that define the network (what the model file stores).
    public struct Quantized: Equatable, Sendable {
        /// Per convolution of h_s: e_l, and the weights and biases in the layer's layout.
        public var exponents: [Int]
        public var weights: [[Int32]], biases: [[Int32]]
        /// z's decoder gain g⁻·2^(fraction + gainBits) per trained level l and channel c, at
        /// l·channels + c; y's encoder gain g·2^gainBits per quality q, at (q − 1)·channels + c.
        public var zInverse: [Int32], yGain: [Int32]
        /// thresholds[j]: the least (last layer's output × y's gain) that picks table j + 1.
        public var thresholds: [Int64]
    }

    public let quantized: Quantized
    let network: IntegerNetwork
    let zChannels: Int, yChannels: Int
    let zGains: Gains

    /// Loads `quantized` into `hyper`'s h_s, after checking that it computes exactly.
    public init(_ quantized: Quantized, hyper: Hyperprior, latentChannels: Int) throws {
        (zChannels, yChannels, zGains) = (hyper.entropy.channels, latentChannels, hyper.gains)
        guard quantized.zInverse.count == hyper.gains.levels * zChannels,
              quantized.yGain.count == Quality.range.count * yChannels,
              quantized.thresholds.count == GaussianConditional.scaleTable.count - 1,
              quantized.zInverse.allSatisfy({ $0 >= 0 }), quantized.yGain.allSatisfy({ $0 >= 0 }),
              zip(quantized.thresholds, quantized.thresholds.dropFirst()).allSatisfy({ $0 <= $1 })
        else { throw ParameterFileError.malformed("integer h_s does not match the architecture") }
        network = try IntegerNetwork(hyper.synthesisLayers, exponents: quantized.exponents, weights: quantized.weights,
                                     biases: quantized.biases, inputBounds: ScaleIndexer.inputBounds(hyper))
        self.quantized = quantized
    }

    /// The largest activation (in units of 2^−fraction) each layer of h_s reads: ẑ·g⁻ is
    /// clamped to ±`Hyperprior.inputBound`, the hidden ReLUs to `Hyperprior.activationBound`.
    static func inputBounds(_ hyper: Hyperprior) -> [Int64] {
        hyper.synthesisLayers.indices.map { l in
            Int64(l == 0 ? Hyperprior.inputBound : Hyperprior.activationBound) << IntegerNetwork.fraction
        }
    }

    /// Quantizes a trained hyperprior's h_s with the largest exponent per layer that keeps
    /// it exact, and the gains of every quality 1…100 in fixed point.
    public static func quantize(_ hyper: Hyperprior, gains: Gains) -> Quantized {
        let (exponents, weights, biases) = IntegerNetwork.quantize(hyper.synthesisLayers, inputBounds: inputBounds(hyper))
        let zInverse = hyper.gains.inverse.value.map { IntegerNetwork.fixed($0, bits: IntegerNetwork.fraction + gainBits) }
        return Quantized(exponents: exponents, weights: weights, biases: biases, zInverse: zInverse,
                         yGain: gains.fixedPerQuality(bits: gainBits) { $0.gain },
                         thresholds: thresholds(bits: exponents.last! + IntegerNetwork.fraction + gainBits))
    }

    /// thresholds[j]: the least scale, in units of 2^−`bits`, that picks table j + 1 of
    /// `GaussianConditional.scaleTable` (the geometric midpoint of scales j and j + 1). A
    /// threshold past Int64 (units so fine that no scale reaches it: the exponent of a layer
    /// of zeros) is Int64.max.
    static func thresholds(bits: Int) -> [Int64] {
        let scales = GaussianConditional.scaleTable, unit = pow(2, Double(bits))
        return (0..<scales.count - 1).map { j in
            let threshold = ((scales[j] * scales[j + 1]).squareRoot() * unit).rounded(.up)
            return threshold < 0x1p63 ? Int64(threshold) : .max
        }
    }

    /// The scale-table index of every latent of a `height`×`width` y, from the integers ẑ
    /// (Nh planes of ⌈height/4⌉×⌈width/4⌉) at `quality`.
    public func indexes(_ zHat: [Int32], quality: Int, height: Int, width: Int) -> [UInt8] {
        let a = scales(zHat, quality: quality, height: height, width: width)
        var out = [UInt8](repeating: 0, count: yChannels * height * width)
        for c in 0..<yChannels {
            let gain = Int64(quantized.yGain[(quality - 1) * yChannels + c])
            for row in 0..<height {
                for col in 0..<width {
                    let s = Int64(a.data[(c * a.h + row) * a.w + col]) * gain
                    out[(c * height + row) * width + col] = UInt8(quantized.thresholds.reached(by: s))
                }
            }
        }
        return out
    }

    /// h_s's last layer before its ReLU: M planes of 4·⌈height/4⌉×4·⌈width/4⌉ integers, in
    /// units of 2^−(e_last + fraction).
    func scales(_ zHat: [Int32], quality: Int, height: Int, width: Int) -> Tensor {
        let geometry = LatentGeometry.latents(yHeight: height, yWidth: width)
        let (zh, zw) = (geometry.zHeight, geometry.zWidth)
        precondition(zHat.count == zChannels * zh * zw, "ẑ does not match the latent size")
        let plane = zh * zw, limit = network.inputBounds[0]
        let inverse = quantized.zInverse[(zGains.nearestLevel(quality: quality) * zChannels)...]
        return network.run(Tensor(n: 1, c: zChannels, h: zh, w: zw, data: IntegerNetwork.dequantized(
            zHat, inverse: inverse, gainBits: ScaleIndexer.gainBits, plane: plane, limit: limit)))
    }
}

extension Array where Element == Int64 {
    /// How many of these ascending thresholds `v` reaches (elements ≤ v), i.e. the index of
    /// the first one above it.
    func reached(by v: Int64) -> Int {
        withUnsafeBufferPointer { Int(aeic_thresholds_reached($0.baseAddress, $0.count, v)) }
    }
}

extension ScaleIndexer.Quantized {
    // Serialised as: u8 layer count; per layer u8 exponent, then u32 counts and zigzag LEB128
    // varints of the weights and of the biases; u32 count and varints of zInverse, of yGain;
    // u32 count and u64s of the thresholds.
    public var encoded: [UInt8] {
        var w = ByteWriter()
        IntegerNetwork.Quantized(exponents: exponents, weights: weights, biases: biases).encode(into: &w)
        w.integers(zInverse, zigzag: false)
        w.integers(yGain, zigzag: false)
        w.thresholds(thresholds)
        return w.bytes
    }

    /// Parses `encoded`; each count is checked against the bytes left before anything is
    /// allocated for it (the architecture checks come in `ScaleIndexer.init`).
    public init(decoding bytes: [UInt8]) throws {
        self = try ByteReader.whole(bytes, "integer h_s") { r in
            let network = try IntegerNetwork.Quantized(from: &r)
            return ScaleIndexer.Quantized(exponents: network.exponents, weights: network.weights, biases: network.biases,
                                          zInverse: try r.integers(zigzag: false), yGain: try r.integers(zigzag: false),
                                          thresholds: try r.thresholds())
        }
    }
}

extension Gains {
    /// One gain vector per quality 1…100 (`side` picks the encoder's or the decoder's), each
    /// value ·2^`bits` as an integer, quality-major.
    func fixedPerQuality(bits: Int, _ side: ((gain: [Float], inverse: [Float])) -> [Float]) -> [Int32] {
        Quality.range.flatMap { q in side(vectors(at: position(quality: q))).map { IntegerNetwork.fixed($0, bits: bits) } }
    }
}

extension ByteWriter {
    /// A u32 count and the thresholds as u64s (two's complement).
    mutating func thresholds(_ values: [Int64]) {
        u32(UInt32(values.count))
        values.forEach { u64(UInt64(bitPattern: $0)) }
    }
}

extension ByteReader {
    /// `read` over the whole of `bytes` (a model file's blob): running out is "`what`
    /// truncated", bytes left over "`what` has trailing bytes".
    static func whole<T>(_ bytes: [UInt8], _ what: String, _ read: (inout ByteReader) throws -> T) throws -> T {
        var r = ByteReader(bytes)
        let value: T
        do { value = try read(&r) } catch is ByteReader.Truncated { throw ParameterFileError.malformed("\(what) truncated") }
        guard r.remaining == 0 else { throw ParameterFileError.malformed("\(what) has trailing bytes") }
        return value
    }

    /// A u32 count and that many u64 thresholds (two's complement).
    mutating func thresholds() throws -> [Int64] {
        let count = Int(try u32())
        guard count <= remaining / 8 else { throw Truncated() }
        return try (0..<count).map { _ in Int64(bitPattern: try u64()) }
    }
}
