import Foundation
import Serialization

/// The shape of a denoiser: what a model file must match before its tensors are loaded.
public struct DenoiserArchitecture: ArchitectureDescription, Equatable, Sendable {
    public static let kind = "denoiser-unet"
    public var kind = DenoiserArchitecture.kind
    /// Channels at each scale, full resolution first; each further scale halves the size.
    public var channels: [Int]
    /// Residual blocks at each scale below the first, on each side of the U.
    public var blocks: Int
    /// Residual blocks at full resolution, between the decoder's last skip and the tail; absent
    /// (none) in the files of models without them, which keep their bytes.
    public var fullResolutionBlocks: Int?
    /// Whether the head also reads `ImpulseNoise.hint`; absent (no) in older files.
    public var impulseHint: Bool?
    /// Whether the head also reads the hint's second plane, salt-and-pepper's white candidates
    /// (with the impulse hint only); absent (no) in older files.
    public var whiteHint: Bool?

    public init(channels: [Int] = [32, 64, 128, 256], blocks: Int = 1, fullResolutionBlocks: Int = 0,
                impulseHint: Bool = false, whiteHint: Bool = false) {
        (self.channels, self.blocks) = (channels, blocks)
        self.fullResolutionBlocks = fullResolutionBlocks != 0 ? fullResolutionBlocks : nil
        self.impulseHint = impulseHint ? true : nil
        self.whiteHint = whiteHint ? true : nil
    }

    /// The planes of `ImpulseNoise.hint` the head reads beside the RGB ones.
    public var hintPlanes: Int { (impulseHint == true ? 1 : 0) + (whiteHint == true ? 1 : 0) }

    /// Whether the sizes are ones this program will build (checked before allocating).
    public var isValid: Bool {
        kind == DenoiserArchitecture.kind && (2...6).contains(channels.count)
            && channels.allSatisfy { (1...1024).contains($0) } && (0...16).contains(blocks)
            && (1...16).contains(fullResolutionBlocks ?? 1) && impulseHint != false
            && whiteHint != false && (whiteHint == nil || impulseHint == true)
    }

    /// Parameters of the U-Net (weights and biases): a file of this architecture holds
    /// exactly these many values, which a reader checks before it builds the network.
    public var parameterCount: Int {
        let c = channels, deepest = c.count - 1
        let block = { (k: Int) in 2 * (9 * k * k + k) }
        let blocks = { (k: Int) in self.blocks * block(k) }
        // Per scale s ≥ 1: the 2×2 down and up convolutions, the encoder's blocks, and the
        // decoder's (none at the deepest scale).
        let scales = (1...deepest).reduce(0) { total, s in
            total + 8 * c[s - 1] * c[s] + c[s] + c[s - 1] + blocks(c[s]) + (s < deepest ? blocks(c[s]) : 0)
        }
        let full = (fullResolutionBlocks ?? 0) * block(c[0])
        let hint = hintPlanes * 10 * c[0]
        return 28 * c[0] + hint + scales + full + 27 * c[0] + 3    // the 3×3 head and tail around them
    }

    /// Image sides must be multiples of this (the U halves them `channels.count − 1` times).
    public var granularity: Int { 1 << (channels.count - 1) }
}
