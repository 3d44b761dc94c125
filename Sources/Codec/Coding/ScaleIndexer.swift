import Foundation
import NN
import Serialization

// ẑ: Nh, ⌈H/64⌉, ⌈W/64⌉ (integers);  indexes: M, ⌈H/16⌉, ⌈W/16⌉ (into the scale table)

/// h_s in exact integer arithmetic (after Ballé, Johnston & Minnen 2019, "Integer networks
/// for data compression with latent-variable models"): which Gaussian table codes a latent
/// must come out the same in the encoder and in every decoder, on any CPU and thread count,
/// so nothing here is rounded by floating point.
///
/// Activations are integers in units of 2^−`fraction`, clamped as the trained network clamps
/// them; layer l has weights w·2^e_l and biases b·2^(e_l + fraction), and its output is shifted
/// back by e_l with integer rounding. The integers are held in Float32 and run through the
/// ordinary layers: the model loader checks, from the weights themselves, that every partial
/// sum a layer can form stays under 2^24 in magnitude, so sgemm and col2im compute them
/// exactly, in whatever order they add.
public final class ScaleIndexer {
    static let fraction = 4
    /// Fixed-point bits of the per-quality gains.
    static let gainBits = 16
    static let exactLimit: Int64 = 1 << 24

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
    let convolutions: [Layer]
    let zChannels: Int, yChannels: Int
    let zGains: Gains

    /// Loads `quantized` into `hyper`'s h_s, after checking that it computes exactly.
    public init(_ quantized: Quantized, hyper: Hyperprior, latentChannels: Int) throws {
        convolutions = hyper.synthesisLayers
        // Integers computed exactly in Float32 need sgemm: bfloat16 would round the operands.
        convolutions.forEach { $0.configure(Compute(precision: .float32)) }
        (zChannels, yChannels, zGains) = (hyper.entropy.channels, latentChannels, hyper.gains)
        let qualities = Quality.range.count
        guard quantized.exponents.count == convolutions.count, quantized.weights.count == convolutions.count,
              quantized.biases.count == convolutions.count,
              quantized.zInverse.count == hyper.gains.levels * zChannels, quantized.yGain.count == qualities * yChannels,
              quantized.thresholds.count == GaussianConditional.scaleTable.count - 1,
              quantized.zInverse.allSatisfy({ $0 >= 0 }), quantized.yGain.allSatisfy({ $0 >= 0 }),
              zip(quantized.thresholds, quantized.thresholds.dropFirst()).allSatisfy({ $0 <= $1 })
        else { throw ParameterFileError.malformed("integer h_s does not match the architecture") }
        for (l, layer) in convolutions.enumerated() {
            let (weight, bias) = (layer.parameters[0], layer.parameters[1])
            let e = quantized.exponents[l]
            guard quantized.weights[l].count == weight.count, quantized.biases[l].count == bias.count, (0...40).contains(e),
                  ScaleIndexer.bound(layer, quantized.weights[l], quantized.biases[l],
                                     input: ScaleIndexer.inputBound(l)) < ScaleIndexer.exactLimit
            else { throw ParameterFileError.malformed("integer h_s layer \(l) is not exact in Float32") }
            weight.value = quantized.weights[l].map(Float.init)
            bias.value = quantized.biases[l].map(Float.init)
        }
        self.quantized = quantized
    }

    /// The largest activation (in units of 2^−fraction) layer `l` reads.
    static func inputBound(_ l: Int) -> Int64 {
        Int64(l == 0 ? Hyperprior.inputBound : Hyperprior.activationBound) << fraction
    }

    /// The largest |partial sum| any output of `layer` can reach: per output channel, the
    /// bias plus Σ|w|·input over the taps that meet at one output sample. A stride-s
    /// transposed convolution sums, at each output, only the taps of one residue class
    /// (ky mod s, kx mod s).
    static func bound(_ layer: Layer, _ weight: [Int32], _ bias: [Int32], input: Int64) -> Int64 {
        let (k, s, outputs, transposed): (Int, Int, Int, Bool)
        if let conv = layer as? Conv2D {
            (k, s, outputs, transposed) = (conv.kernel, 1, conv.outChannels, false)
        } else if let deconv = layer as? ConvTranspose2D {
            (k, s, outputs, transposed) = (deconv.kernel, deconv.stride, deconv.outChannels, true)
        } else { preconditionFailure("h_s holds only convolutions") }
        let taps = k * k, inputs = weight.count / (outputs * taps)
        var worst: Int64 = 0
        for o in 0..<outputs {
            var classes = [Int64](repeating: 0, count: s * s)
            for i in 0..<inputs {
                for t in 0..<taps {
                    let index = transposed ? (i * outputs + o) * taps + t : (o * inputs + i) * taps + t
                    classes[(t / k % s) * s + t % k % s] += Int64(weight[index].magnitude)
                }
            }
            worst = max(worst, classes.max()! * input + Int64(bias[o].magnitude))
        }
        return worst
    }

    /// Quantizes a trained hyperprior's h_s with the largest exponent per layer that keeps
    /// it exact, and the gains of every quality 1…100 in fixed point.
    public static func quantize(_ hyper: Hyperprior, gains: Gains) -> Quantized {
        var exponents: [Int] = [], weights: [[Int32]] = [], biases: [[Int32]] = []
        for (l, layer) in hyper.synthesisLayers.enumerated() {
            let (w, b) = (layer.parameters[0].value, layer.parameters[1].value)
            for e in stride(from: 40, through: 0, by: -1) {
                let wi = w.map { fixed($0, bits: e) }, bi = b.map { fixed($0, bits: e + fraction) }
                if bound(layer, wi, bi, input: inputBound(l)) < exactLimit || e == 0 {
                    exponents.append(e); weights.append(wi); biases.append(bi)
                    break
                }
            }
        }
        let zInverse = hyper.gains.inverse.value.map { fixed($0, bits: fraction + gainBits) }
        let yGain = Quality.range.flatMap { q in
            gains.vectors(at: gains.position(quality: q)).gain.map { fixed($0, bits: gainBits) }
        }
        let scales = GaussianConditional.scaleTable
        let unit = pow(2, Double(exponents.last! + fraction + gainBits))
        let thresholds = (0..<scales.count - 1).map { j in Int64(((scales[j] * scales[j + 1]).squareRoot() * unit).rounded(.up)) }
        return Quantized(exponents: exponents, weights: weights, biases: biases,
                         zInverse: zInverse, yGain: yGain, thresholds: thresholds)
    }

    static func fixed(_ x: Float, bits: Int) -> Int32 {
        Int32(max(min((Double(x) * pow(2, Double(bits))).rounded(), Double(Int32.max)), -Double(Int32.max)))
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
                    out[(c * height + row) * width + col] = UInt8(quantized.thresholds.partitionPoint { $0 > s })
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
        let plane = zh * zw, limit = ScaleIndexer.inputBound(0)
        let inverse = quantized.zInverse[(zGains.nearestLevel(quality: quality) * zChannels)...]
        var a = Tensor(n: 1, c: zChannels, h: zh, w: zw, data: (0..<zHat.count).map { k in
            let v = ScaleIndexer.shifted(Int64(zHat[k]) * Int64(inverse[inverse.startIndex + k / plane]), by: ScaleIndexer.gainBits)
            return Float(min(max(v, -limit), limit))
        })
        for (l, layer) in convolutions.enumerated() {
            a = layer.infer(a)
            guard l < convolutions.count - 1 else { break }
            let top = ScaleIndexer.inputBound(l + 1)
            a = a.map { Float(min(max(ScaleIndexer.shifted(Int64($0), by: quantized.exponents[l]), 0), top)) }
        }
        return a
    }

    /// x / 2^bits rounded to nearest (halves up), in integers.
    static func shifted(_ x: Int64, by bits: Int) -> Int64 {
        bits == 0 ? x : (x + (1 << (bits - 1))) >> bits
    }
}

extension Array {
    /// The first index whose element satisfies `belongs`, for a predicate that is false and
    /// then true along the array (binary search).
    func partitionPoint(_ belongs: (Element) -> Bool) -> Int {
        var (lo, hi) = (0, count)
        while lo < hi {
            let mid = (lo + hi) / 2
            if belongs(self[mid]) { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }
}

extension ScaleIndexer.Quantized {
    // Serialised as: u8 layer count; per layer u8 exponent, then u32 counts and zigzag LEB128
    // varints of the weights and of the biases; u32 count and varints of zInverse, of yGain;
    // u32 count and u64s of the thresholds.
    public var encoded: [UInt8] {
        var w = ByteWriter()
        func list(_ values: [Int32], zigzag: Bool) {
            w.u32(UInt32(values.count))
            for v in values { w.varint(zigzag ? UInt32(bitPattern: (v << 1) ^ (v >> 31)) : UInt32(v)) }
        }
        w.u8(UInt8(exponents.count))
        for l in exponents.indices {
            w.u8(UInt8(exponents[l]))
            list(weights[l], zigzag: true)
            list(biases[l], zigzag: true)
        }
        list(zInverse, zigzag: false)
        list(yGain, zigzag: false)
        w.u32(UInt32(thresholds.count))
        thresholds.forEach { w.u64(UInt64(bitPattern: $0)) }
        return w.bytes
    }

    /// Parses `encoded`; each count is checked against the bytes left before anything is
    /// allocated for it (the architecture checks come in `ScaleIndexer.init`).
    public init(decoding bytes: [UInt8]) throws {
        var r = ByteReader(bytes)
        func list(zigzag: Bool) throws -> [Int32] {
            let count = Int(try r.u32())
            guard count <= r.remaining else { throw ParameterFileError.malformed("integer h_s truncated") }
            return try (0..<count).map { _ in
                let u = try r.varint()
                return zigzag ? Int32(bitPattern: (u >> 1) ^ (0 &- (u & 1))) : Int32(bitPattern: u)
            }
        }
        do {
            let layers = Int(try r.u8())
            (exponents, weights, biases) = ([], [], [])
            for _ in 0..<layers {
                exponents.append(Int(try r.u8()))
                weights.append(try list(zigzag: true))
                biases.append(try list(zigzag: true))
            }
            zInverse = try list(zigzag: false)
            yGain = try list(zigzag: false)
            let count = Int(try r.u32())
            guard count <= r.remaining / 8 else { throw ParameterFileError.malformed("integer h_s truncated") }
            thresholds = try (0..<count).map { _ in Int64(bitPattern: try r.u64()) }
        } catch is ByteReader.Truncated {
            throw ParameterFileError.malformed("integer h_s truncated")
        }
        guard r.remaining == 0 else { throw ParameterFileError.malformed("integer h_s has trailing bytes") }
    }
}
