import NN

// x: N, 3 (+1 or 2 hint planes), H, W (H, W multiples of 2^(S−1))   →   y: N, 3, H, W;  S scales, channels c_0…c_{S−1}

/// A small U-Net with additive skips and residual blocks, after DRUNet (Zhang et al. 2021,
/// "Plug-and-play image restoration with deep denoiser prior"), predicting the residual
/// (Zhang et al. 2017, DnCNN): y = x + tail(U(head(x))).
///
/// - head: 3×3 convolution of the RGB channels to c_0 channels at full resolution, plus (if
///   the architecture has `impulseHint`) a 3×3 convolution of the input's fourth channel,
///   `ImpulseNoise.hint`, the map of pixels that the impulse noise may have set, and (if it
///   has `whiteHint`) one of the fifth, the white ones among them under salt-and-pepper;
/// - encoder, scale s ≥ 1: a 2×2 stride-2 convolution c_{s−1} → c_s, then residual blocks
///   (3×3 conv, ReLU, 3×3 conv, plus the input);
/// - decoder, scale s < S−1: a 2×2 stride-2 transposed convolution c_{s+1} → c_s, plus the
///   encoder's activation at scale s (the skip), then residual blocks (at s = 0 only the
///   architecture's full-resolution ones, if any) and at s = 0 the 3×3 tail convolution to
///   3 channels.
/// No normalisation layers: the network is the same function in training and inference.
public final class UNet: Layer {
    let head: Conv2D
    let hint: Conv2D?              // of the impulse hint, added to the head's output
    let white: Conv2D?             // of the hint's white plane, likewise
    let encoder: [Sequential]      // scales 1…S−1
    let up: [ConvTranspose2D]      // up[s]: scale s+1 → s, for s in 0…S−2
    let decoder: [Layer]           // decoder[s], for s in 0…S−2 (decoder[0] is the tail)

    public init(_ architecture: DenoiserArchitecture, rng: inout SplitMix64) {
        let c = architecture.channels
        func blocks(_ name: String, _ channels: Int, count: Int = architecture.blocks, rng: inout SplitMix64) -> [Layer] {
            (0..<count).map { b in residualBlock("\(name).\(b)", channels, rng: &rng) }
        }
        head = Conv2D("head", in: 3, out: c[0], kernel: 3, rng: &rng)
        hint = architecture.impulseHint == true ? zeroConv("head.hint", 1, c[0], rng: &rng) : nil
        white = architecture.whiteHint == true ? zeroConv("head.white", 1, c[0], rng: &rng) : nil
        encoder = (1..<c.count).map { s in
            let down: Layer = Conv2D("down\(s)", in: c[s - 1], out: c[s], kernel: 2, stride: 2, padding: 0, rng: &rng)
            return Sequential([down] + blocks("enc\(s)", c[s], rng: &rng))
        }
        up = (0..<c.count - 1).map { s in
            ConvTranspose2D("up\(s)", in: c[s + 1], out: c[s], kernel: 2, stride: 2, padding: 0, outputPadding: 0, rng: &rng)
        }
        decoder = (0..<c.count - 1).map { s -> Layer in
            guard s == 0 else { return Sequential(blocks("dec\(s)", c[s], rng: &rng)) }
            let full = blocks("dec0", c[0], count: architecture.fullResolutionBlocks ?? 0, rng: &rng)
            return Sequential(full + [smallConv("tail", c[0], 3, rng: &rng)])
        }
    }

    /// Every layer of the U, once.
    private var parts: [Layer] { [head] + [hint, white].compactMap { $0 } + encoder + up + decoder }

    public var parameters: [Parameter] {
        parts.flatMap(\.parameters)
    }

    public func clearCache() {
        parts.forEach { $0.clearCache() }
    }

    public func configure(_ compute: Compute) {
        parts.forEach { $0.configure(compute) }
    }

    public func forward(_ x: Tensor) -> Tensor { run(x, { $0.forward($1) }) }
    public func infer(_ x: Tensor) -> Tensor { run(x, { $0.infer($1) }) }

    /// The input the U reads for RGB images `x`: with the hint planes for `impulses` (one per
    /// image) beside them if the architecture reads them.
    public func input(_ x: Tensor, impulses: [ImpulseNoise?]) -> Tensor {
        hint == nil ? x : Tensor.concatenating(channels: [x, ImpulseNoise.hint(x, for: impulses, white: white != nil)])
    }

    /// The U with `apply` running each part (forward keeps what backward needs; infer does not).
    private func run(_ x: Tensor, _ apply: (Layer, Tensor) -> Tensor) -> Tensor {
        let rgb = hint == nil ? x : x.channels(0..<3)
        var skips = [apply(head, rgb)]
        if let hint { skips[0] += apply(hint, x.channels(3..<4)) }
        if let white { skips[0] += apply(white, x.channels(4..<5)) }
        for stage in encoder { skips.append(apply(stage, skips.last!)) }
        var u = skips.removeLast()
        for s in up.indices.reversed() {
            u = apply(up[s], u)
            u = apply(decoder[s], u + skips.removeLast())
        }
        return rgb + u
    }

    public func backward(_ dy: Tensor) -> Tensor {
        var dSkips: [Tensor] = []
        var du = dy
        for s in up.indices {
            let dSum = decoder[s].backward(du)
            dSkips.append(dSum)
            du = up[s].backward(dSum)
        }
        for s in encoder.indices.reversed() { du = encoder[s].backward(du) + dSkips[s] }
        let dRGB = head.backward(du) + dy
        let dHints = [hint, white].compactMap { $0?.backward(du) }
        return dHints.isEmpty ? dRGB : Tensor.concatenating(channels: [dRGB] + dHints)
    }
}

/// x + conv(ReLU(conv(x))) with 3×3 convolutions (He init for the ReLU); the second starts
/// small, so that a deep stack starts near the identity.
func residualBlock(_ name: String, _ channels: Int, rng: inout SplitMix64) -> Layer {
    let first = Conv2D("\(name).0", in: channels, out: channels, kernel: 3, rng: &rng)
    first.weight.value = first.weight.value.map { $0 * Float(2).squareRoot() }
    return Residual(Sequential([first, LeakyReLU(), smallConv("\(name).1", channels, channels, rng: &rng)]))
}

/// A 3×3 convolution whose initial weights are a tenth of He's: where a branch joins a
/// residual sum (a block's second convolution, the U's tail), so that the network starts
/// near the identity instead of adding a large random image to its input.
func smallConv(_ name: String, _ inChannels: Int, _ outChannels: Int, rng: inout SplitMix64) -> Conv2D {
    let conv = Conv2D(name, in: inChannels, out: outChannels, kernel: 3, rng: &rng)
    conv.weight.value = conv.weight.value.map { $0 * 0.1 }
    return conv
}

/// A 3×3 convolution that starts at zero: a part added to a trained network (`--init`),
/// which then starts as the function it was.
func zeroConv(_ name: String, _ inChannels: Int, _ outChannels: Int, rng: inout SplitMix64) -> Conv2D {
    let conv = Conv2D(name, in: inChannels, out: outChannels, kernel: 3, rng: &rng)
    conv.weight.value = [Float](repeating: 0, count: conv.weight.count)
    return conv
}
