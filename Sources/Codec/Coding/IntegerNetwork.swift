import Foundation
import NN
import Serialization

// a: C, H, W integers in units of 2^−fraction, each layer's input within its bound

/// A stack of convolutions in exact integer arithmetic (after Ballé, Johnston & Minnen 2019,
/// "Integer networks for data compression with latent-variable models"), for any network
/// whose output picks a coding table: it must come out the same in the encoder and in every
/// decoder, on any CPU, thread count, BLAS kernel and precision.
///
/// Activations are integers in units of 2^−`fraction`; layer l has weights w·2^e_l and biases
/// b·2^(e_l + fraction), and its output is shifted back by e_l with integer rounding, then
/// clamped to the next layer's input range [0, bound] (a bounded ReLU). The integers are held
/// in Float32 and run through the ordinary layers: the loader checks, from the weights
/// themselves, that every partial sum a layer can form stays under 2^24 in magnitude, so
/// sgemm and col2im compute them exactly, in whatever order they add. Where every weight and
/// input fits in 16 bits and the CPU has AVX512_VNNI, the GEMMs run in `.int16`, which gives
/// the same integers.
final class IntegerNetwork {
    static let fraction = 4
    static let exactLimit: Int64 = 1 << 24

    /// Convolutions (`Conv2D`, `ConvTranspose2D`) holding the integer weights.
    let layers: [Layer]
    /// e_l per layer.
    let exponents: [Int]
    /// The largest |input| of each layer, in units of 2^−fraction.
    let inputBounds: [Int64]
    /// How the GEMMs run (`configure`).
    private(set) var precision = GEMMPrecision.float32

    /// Loads integer weights and biases (in the layers' layouts) into `layers`, after checking
    /// that each computes exactly.
    init(_ layers: [Layer], exponents: [Int], weights: [[Int32]], biases: [[Int32]], inputBounds: [Int64]) throws {
        guard exponents.count == layers.count, weights.count == layers.count, biases.count == layers.count,
              inputBounds.count == layers.count
        else { throw ParameterFileError.malformed("integer network does not match the architecture") }
        for (l, layer) in layers.enumerated() {
            let (weight, bias) = (layer.parameters[0], layer.parameters[1])
            guard weights[l].count == weight.count, biases[l].count == bias.count, (0...40).contains(exponents[l]),
                  IntegerNetwork.bound(layer, weights[l], biases[l], input: inputBounds[l]) < IntegerNetwork.exactLimit
            else { throw ParameterFileError.malformed("integer network layer \(l) is not exact in Float32") }
            weight.value = weights[l].map(Float.init)
            bias.value = biases[l].map(Float.init)
        }
        (self.layers, self.exponents, self.inputBounds) = (layers, exponents, inputBounds)
        let int16 = IntegerNetwork.fitsInt16(weights, inputBounds: inputBounds) && BLASRuntime.int16Supported
        configure(int16 ? .int16 : .float32)
    }

    /// Runs the GEMMs in `precision`, `.float32` or (where `fitsInt16`) `.int16`: both compute
    /// the integers exactly; bfloat16 would round the operands. One Compute for all the layers,
    /// so they share its scratch memory.
    func configure(_ precision: GEMMPrecision) {
        precondition(precision != .bfloat16, "an integer network computes exactly")
        let exact = Compute(precision: precision)
        layers.forEach { $0.configure(exact) }
        self.precision = precision
    }

    /// Whether every weight and every layer's input is an int16: the GEMM operands of `.int16`.
    static func fitsInt16(_ weights: [[Int32]], inputBounds: [Int64]) -> Bool {
        let limit = Int32(Int16.max)
        return inputBounds.allSatisfy { $0 <= Int64(limit) } && weights.allSatisfy { $0.allSatisfy { (-limit...limit).contains($0) } }
    }

    /// Loads `quantized` into `layers` (see the other `init`).
    convenience init(_ layers: [Layer], _ quantized: Quantized, inputBounds: [Int64]) throws {
        try self.init(layers, exponents: quantized.exponents, weights: quantized.weights, biases: quantized.biases,
                      inputBounds: inputBounds)
    }

    /// The last layer's output for `a`, in units of 2^−(e_last + fraction); with
    /// `outputBound`, that output through the bounded ReLU too, in units of 2^−fraction.
    func run(_ input: Tensor, outputBound: Int64? = nil) -> Tensor {
        layers.indices.reduce(input) { a, l in activated(layers[l].infer(a), layer: l, outputBound: outputBound) }
    }

    /// As `run` for a network of one convolution, at `positions` of its output alone and
    /// summing only `taps` (`Conv2D.infer(_:at:taps:)`): the output has one column per
    /// position.
    func run(_ input: Tensor, at positions: [Int], taps: [Int], outputBound: Int64? = nil) -> Tensor {
        guard layers.count == 1, let convolution = layers[0] as? Conv2D else { preconditionFailure("one convolution expected") }
        return activated(convolution.infer(input, at: positions, taps: taps), layer: 0, outputBound: outputBound)
    }

    /// Layer l's output `a` shifted back by e_l and through the bounded ReLU of the next
    /// layer's input (or `outputBound` after the last layer; without one, `a` as it is).
    private func activated(_ a: consuming Tensor, layer l: Int, outputBound: Int64?) -> Tensor {
        guard let top = l < layers.count - 1 ? inputBounds[l + 1] : outputBound else { return a }
        let bits = exponents[l]
        a.data.withUnsafeMutableBufferPointer { p in
            for k in p.indices { p[k] = Float(min(max(IntegerNetwork.shifted(Int64(p[k]), by: bits), 0), top)) }
        }
        return a
    }

    /// The integers `symbols` (planes of `plane`) times fixed-point decoder gains
    /// g⁻·2^(fraction + gainBits) per plane: a network input in units of 2^−fraction, clamped
    /// to ±`limit`.
    static func dequantized(_ symbols: [Int32], inverse: ArraySlice<Int32>, gainBits: Int, plane: Int, limit: Int64) -> [Float] {
        [Float](unsafeUninitializedCapacity: symbols.count) { out, initialized in
            for start in stride(from: 0, to: symbols.count, by: plane) {
                let gain = Int64(inverse[inverse.startIndex + start / plane])
                for k in start..<min(start + plane, symbols.count) {
                    out[k] = Float(min(max(shifted(Int64(symbols[k]) * gain, by: gainBits), -limit), limit))
                }
            }
            initialized = symbols.count
        }
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
        } else { preconditionFailure("an integer network holds only convolutions") }
        let taps = k * k, inputs = weight.count / (outputs * taps)
        let residue = (0..<taps).map { t in (t / k % s) * s + t % k % s }
        var worst: Int64 = 0
        for o in 0..<outputs {
            var classes = [Int64](repeating: 0, count: s * s)
            for i in 0..<inputs {
                let first = transposed ? (i * outputs + o) * taps : (o * inputs + i) * taps
                for t in 0..<taps { classes[residue[t]] += Int64(weight[first + t].magnitude) }
            }
            worst = max(worst, classes.max()! * input + Int64(bias[o].magnitude))
        }
        return worst
    }

    /// A network's integers: per layer e_l, and the weights and biases in the layer's layout.
    struct Quantized: Equatable {
        var exponents: [Int]
        var weights: [[Int32]], biases: [[Int32]]
    }

    /// The trained floating-point `layers` as integers, with the largest exponent per layer
    /// that keeps it exact for inputs within `inputBounds`.
    static func quantized(_ layers: [Layer], inputBounds: [Int64]) -> Quantized {
        let (exponents, weights, biases) = quantize(layers, inputBounds: inputBounds)
        return Quantized(exponents: exponents, weights: weights, biases: biases)
    }

    static func quantize(_ layers: [Layer], inputBounds: [Int64]) -> (exponents: [Int], weights: [[Int32]], biases: [[Int32]]) {
        var exponents: [Int] = [], weights: [[Int32]] = [], biases: [[Int32]] = []
        for (l, layer) in layers.enumerated() {
            let (w, b) = (layer.parameters[0].value, layer.parameters[1].value)
            for e in stride(from: 40, through: 0, by: -1) {
                let wi = w.map { fixed($0, bits: e) }, bi = b.map { fixed($0, bits: e + fraction) }
                if bound(layer, wi, bi, input: inputBounds[l]) < exactLimit || e == 0 {
                    exponents.append(e); weights.append(wi); biases.append(bi)
                    break
                }
            }
        }
        return (exponents, weights, biases)
    }

    /// x·2^bits rounded to the nearest Int32 (saturating).
    static func fixed(_ x: Float, bits: Int) -> Int32 {
        Int32(max(min((Double(x) * pow(2, Double(bits))).rounded(), Double(Int32.max)), -Double(Int32.max)))
    }

    /// x / 2^bits rounded to nearest (halves up), in integers.
    static func shifted(_ x: Int64, by bits: Int) -> Int64 {
        bits == 0 ? x : (x + (1 << (bits - 1))) >> bits
    }
}

extension IntegerNetwork.Quantized {
    // Serialised as: u8 layer count; per layer u8 exponent, then the weights and the biases
    // as zigzag integer lists.
    func encode(into w: inout ByteWriter) {
        w.u8(UInt8(exponents.count))
        for l in exponents.indices {
            w.u8(UInt8(exponents[l]))
            w.integers(weights[l], zigzag: true)
            w.integers(biases[l], zigzag: true)
        }
    }

    /// The inverse of `encode(into:)`.
    init(from r: inout ByteReader) throws {
        let layers = Int(try r.u8())
        (exponents, weights, biases) = ([], [], [])
        for _ in 0..<layers {
            exponents.append(Int(try r.u8()))
            weights.append(try r.integers(zigzag: true))
            biases.append(try r.integers(zigzag: true))
        }
    }
}

extension ByteWriter {
    /// A u32 count and LEB128 varints of `values` (zigzag-mapped when they may be negative).
    mutating func integers(_ values: [Int32], zigzag: Bool) {
        u32(UInt32(values.count))
        for v in values { varint(zigzag ? UInt32(bitPattern: (v << 1) ^ (v >> 31)) : UInt32(bitPattern: v)) }
    }
}

extension ByteReader {
    /// The inverse of `ByteWriter.integers`; the count is checked against the bytes left
    /// before anything is allocated for it.
    mutating func integers(zigzag: Bool) throws -> [Int32] {
        let count = Int(try u32())
        guard count <= remaining else { throw Truncated() }
        return try (0..<count).map { _ in
            let u = try varint()
            return zigzag ? Int32(bitPattern: (u >> 1) ^ (0 &- (u & 1))) : Int32(bitPattern: u)
        }
    }
}
