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

    public init(channels: [Int] = [32, 64, 128, 256], blocks: Int = 1) {
        (self.channels, self.blocks) = (channels, blocks)
    }

    /// Whether the sizes are ones this program will build (checked before allocating).
    public var isValid: Bool {
        kind == DenoiserArchitecture.kind && (2...6).contains(channels.count)
            && channels.allSatisfy { (1...1024).contains($0) } && (0...16).contains(blocks)
    }

    /// Image sides must be multiples of this (the U halves them `channels.count − 1` times).
    public var granularity: Int { 1 << (channels.count - 1) }
}
