import EntropyCoding
import NN
import Serialization

// ẑ: Nh, ⌈h/4⌉, ⌈w/4⌉ (integers);  hidden: Nh, 4⌈h/4⌉, 4⌈w/4⌉;  ŷ, parameters: M, h, w

/// The mean and scale of every latent under `CheckerboardHyperprior`, in exact integers:
/// h_s's trunk and heads, the context and the fusion as `IntegerNetwork`s, their outputs
/// brought to one fixed point, times y's gains in fixed point. From those integers alone come
/// each latent's table (scale index and mean fraction) and its integer shift, so the encoder
/// and every decoder code with the same tables on any CPU.
final class CheckerboardIndexer {
    /// Fixed-point bits of the gains (as `ScaleIndexer`'s) and of the un-gained means and scales.
    static let gainBits = 16, outputBits = 16
    /// The largest fixed-point gain a model file may hold (a gain of 256): it keeps every
    /// product below 2^63.
    static let gainLimit: Int32 = 1 << 24

    struct Quantized: Equatable {
        var trunk, scale, mean, context, fusion: IntegerNetwork.Quantized
        /// z's decoder gains g⁻·2^(fraction + gainBits) per trained level and channel; y's
        /// encoder gains g·2^gainBits and decoder gains g⁻·2^(fraction + gainBits) per
        /// quality and channel.
        var zInverse: [Int32], yGain: [Int32], yInverse: [Int32]
        /// thresholds[j]: the least gained scale, in units of 2^−(outputBits + gainBits),
        /// that picks scale table j + 1.
        var thresholds: [Int64]
    }

    /// Un-gained scales (before the ReLU) and means of ŷ's latents, in units of 2^−outputBits.
    struct Parameters {
        let scale: Readout, mean: Readout
    }

    /// A network's output plane(s) as it gives them (exact integers in its units,
    /// 2^−(e_last + fraction)), read out latent by latent in units of 2^−outputBits: at 24 MP
    /// an Int64 copy of the means and scales would be 288 MB more.
    struct Readout {
        let values: [Float]
        /// Where latent 0 is in `values`; the bits each value is shifted right by.
        let base: Int, bits: Int

        init(_ t: Tensor, of network: IntegerNetwork, base: Int = 0) {
            (values, self.base) = (t.data, base)
            bits = network.exponents.last! + IntegerNetwork.fraction - CheckerboardIndexer.outputBits
        }

        subscript(k: Int) -> Int64 {
            let v = Int64(values[base + k])
            return bits >= 0 ? IntegerNetwork.shifted(v, by: bits) : v << -bits
        }
    }

    let quantized: Quantized
    let trunk, scale, mean, context, fusion: IntegerNetwork
    var networks: [IntegerNetwork] { [trunk, scale, mean, context, fusion] }
    let zChannels: Int, yChannels: Int
    let zGains: Gains

    init(_ quantized: Quantized, prior: CheckerboardHyperprior) throws {
        let hyper = prior.hyper
        (zChannels, yChannels, zGains) = (hyper.entropy.channels, prior.M, hyper.gains)
        let qualities = Quality.range.count * yChannels
        guard quantized.zInverse.count == hyper.gains.levels * zChannels,
              quantized.yGain.count == qualities, quantized.yInverse.count == qualities,
              quantized.thresholds.count == GaussianConditional.scaleTable.count - 1,
              (quantized.zInverse + quantized.yGain + quantized.yInverse).allSatisfy({ (0...CheckerboardIndexer.gainLimit).contains($0) }),
              zip(quantized.thresholds, quantized.thresholds.dropFirst()).allSatisfy({ $0 <= $1 })
        else { throw ParameterFileError.malformed("integer context model does not match the architecture") }
        let bounds = CheckerboardIndexer.inputBounds(prior), layers = prior.integerLayers
        trunk = try IntegerNetwork(layers.trunk, quantized.trunk, inputBounds: bounds.trunk)
        scale = try IntegerNetwork(layers.scale, quantized.scale, inputBounds: bounds.head)
        mean = try IntegerNetwork(layers.mean, quantized.mean, inputBounds: bounds.head)
        context = try IntegerNetwork(layers.context, quantized.context, inputBounds: bounds.context)
        fusion = try IntegerNetwork(layers.fusion, quantized.fusion, inputBounds: bounds.fusion)
        self.quantized = quantized
    }

    /// The largest activation (in units of 2^−fraction) each layer reads: ẑ·g⁻ and ŷ·g⁻ are
    /// clamped to ±`Hyperprior.inputBound`, hidden activations to `Hyperprior.activationBound`.
    static func inputBounds(_ prior: CheckerboardHyperprior) -> (trunk: [Int64], head: [Int64], context: [Int64], fusion: [Int64]) {
        let (input, hidden) = (Int64(Hyperprior.inputBound) << IntegerNetwork.fraction, Int64(Hyperprior.activationBound) << IntegerNetwork.fraction)
        return ([input, hidden], [hidden], [input], [hidden, hidden])
    }

    static func quantize(_ prior: CheckerboardHyperprior, gains: Gains) -> Quantized {
        let bounds = inputBounds(prior), layers = prior.integerLayers
        let fraction = IntegerNetwork.fraction
        return Quantized(
            trunk: IntegerNetwork.quantized(layers.trunk, inputBounds: bounds.trunk),
            scale: IntegerNetwork.quantized(layers.scale, inputBounds: bounds.head),
            mean: IntegerNetwork.quantized(layers.mean, inputBounds: bounds.head),
            context: IntegerNetwork.quantized(layers.context, inputBounds: bounds.context),
            fusion: IntegerNetwork.quantized(layers.fusion, inputBounds: bounds.fusion),
            zInverse: prior.hyper.gains.inverse.value.map { IntegerNetwork.fixed($0, bits: fraction + gainBits) },
            yGain: gains.fixedPerQuality(bits: gainBits) { $0.gain },
            yInverse: gains.fixedPerQuality(bits: fraction + gainBits) { $0.inverse },
            thresholds: ScaleIndexer.thresholds(bits: outputBits + gainBits))
    }

    /// h_s's last hidden activation for ẑ at `quality` (units of 2^−fraction).
    func hidden(_ zHat: [Int32], quality: Int, geometry: LatentGeometry) -> Tensor {
        precondition(zHat.count == zChannels * geometry.zPlane, "ẑ does not match the latent size")
        let inverse = quantized.zInverse[(zGains.nearestLevel(quality: quality) * zChannels)...]
        let input = IntegerNetwork.dequantized(zHat, inverse: inverse, gainBits: CheckerboardIndexer.gainBits,
                                               plane: geometry.zPlane, limit: trunk.inputBounds[0])
        return trunk.run(Tensor(n: 1, c: zChannels, h: geometry.zHeight, w: geometry.zWidth, data: input),
                         outputBound: scale.inputBounds[0])
    }

    /// The anchors' means and scales (every latent's, before the context's corrections).
    func anchorParameters(hidden: Tensor, geometry: LatentGeometry) -> Parameters {
        let crop = { (t: Tensor) in Hyperprior.cropped(t, height: geometry.yHeight, width: geometry.yWidth) }
        return Parameters(scale: Readout(crop(scale.run(hidden)), of: scale), mean: Readout(crop(mean.run(hidden)), of: mean))
    }

    /// The context's corrections (Δscale, Δmean) from the anchors of ŷ at `quality`, in units
    /// of 2^−outputBits, at the non-anchors alone: one per latent of the second stage, in its
    /// order. Only the context's taps that land on anchors are summed (the others read zeros).
    func corrections(_ yHat: [Int32], hidden: Tensor, quality: Int, geometry: LatentGeometry) -> Parameters {
        let (h, w) = (geometry.yHeight, geometry.yWidth)
        let inverse = quantized.yInverse[((quality - 1) * yChannels)...]
        let input = IntegerNetwork.dequantized(yHat, inverse: inverse, gainBits: CheckerboardIndexer.gainBits,
                                               plane: h * w, limit: context.inputBounds[0])
        let positions = CheckerboardHyperprior.positions(anchors: false, height: h, width: w)
        precondition(!positions.isEmpty, "a board of one latent has no second stage")
        let taps = CheckerboardIndexer.anchorTaps(kernel: CheckerboardHyperprior.contextKernel)
        let c = context.run(Tensor(n: 1, c: yChannels, h: h, w: w, data: input), at: positions, taps: taps,
                            outputBound: fusion.inputBounds[0])
        let delta = fusion.run(.concatenating(channels: [c, CheckerboardIndexer.gathered(hidden, at: positions, width: w)]))
        return Parameters(scale: Readout(delta, of: fusion), mean: Readout(delta, of: fusion, base: yChannels * positions.count))
    }

    /// The taps of a K×K kernel (centred) that land on anchors from a non-anchor: those with
    /// ky + kx odd.
    static func anchorTaps(kernel: Int) -> [Int] {
        (0..<(kernel * kernel)).filter { ($0 / kernel + $0 % kernel) % 2 == 1 }
    }

    /// `t`'s samples at `positions` (indexes row·width + column into its top-left
    /// corner), one column per position: (1, C, 1, P).
    static func gathered(_ t: Tensor, at positions: [Int], width: Int) -> Tensor {
        var data: [Float] = []
        data.reserveCapacity(t.c * positions.count)    // no regrowth of a large copy
        for c in 0..<t.c {
            let plane = c * t.h * t.w
            data += positions.lazy.map { t.data[plane + $0 / width * t.w + $0 % width] }
        }
        return Tensor(n: 1, c: t.c, h: 1, w: positions.count, data: data)
    }

    /// The table of a latent of un-gained `scale` and `mean` (units of 2^−outputBits) at
    /// channel `c` and `quality`, in `GaussianConditional.meanScaleTables`: the scale index
    /// and mean fraction choose it; the mean's integer part is the shift that moves it.
    func pick(scale s: Int64, mean m: Int64, channel c: Int, quality: Int) -> (index: Int, shift: Int32) {
        let gain = Int64(quantized.yGain[(quality - 1) * yChannels + c])
        let index = quantized.thresholds.reached(by: s * gain)
        let steps = GaussianConditional.meanSteps, stepBits = steps.trailingZeroBitCount
        let position = IntegerNetwork.shifted(m * gain, by: CheckerboardIndexer.outputBits + CheckerboardIndexer.gainBits - stepBits)
        let fraction = Int(position & Int64(steps - 1)), whole = position >> stepBits
        let limit = Int64(1 << 24)
        return (index * steps + fraction, Int32(min(max(whole, -limit), limit)))
    }
}

extension CheckerboardIndexer.Quantized {
    // Serialised as the five networks (trunk, scale, mean, context, fusion), then zInverse,
    // yGain and yInverse as integer lists, then the thresholds.
    var encoded: [UInt8] {
        var w = ByteWriter()
        [trunk, scale, mean, context, fusion].forEach { $0.encode(into: &w) }
        [zInverse, yGain, yInverse].forEach { w.integers($0, zigzag: false) }
        w.thresholds(thresholds)
        return w.bytes
    }

    /// Parses `encoded` (the architecture checks come in `CheckerboardIndexer.init`).
    init(decoding bytes: [UInt8]) throws {
        self = try ByteReader.whole(bytes, "integer context model") { r in
            let networks = try (0..<5).map { _ in try IntegerNetwork.Quantized(from: &r) }
            return CheckerboardIndexer.Quantized(
                trunk: networks[0], scale: networks[1], mean: networks[2], context: networks[3], fusion: networks[4],
                zInverse: try r.integers(zigzag: false), yGain: try r.integers(zigzag: false), yInverse: try r.integers(zigzag: false),
                thresholds: try r.thresholds())
        }
    }
}
