import EntropyCoding
import NN
import Serialization

/// The factorized prior (Ballé et al. 2018, CompressAI's bmshj2018-factorized): y's
/// channels each under one learned density, coded with one table per quality and channel.
extension EntropyBottleneck: Prior {
    static let tablesBlob = "entropy.tables"

    var levelGains: [Gains] { [] }
    var codingParameters: [Parameter] { [] }
    func configure(_ compute: Compute) {}
    func configureEncoder(_ compute: Compute) {}

    func bits(_ y: Tensor, _ q: GainedQuantization, rng: inout SplitMix64, scale: Float,
              dNoisy: UnsafeMutablePointer<Float>, dGain: UnsafeMutablePointer<Float>) -> PriorBits {
        PriorBits(bits: bits(q.noisy, gains: q.gain, scale: scale, dv: dNoisy, dGain: dGain))
    }

    func exportBlobs(gains: Gains) -> [String: [UInt8]] {
        [EntropyBottleneck.tablesBlob: EntropyTables(entropy: self, gains: gains).encoded]
    }

    func coder(blobs: [String: [UInt8]], latentChannels: Int) throws -> LatentCoder {
        guard let blob = blobs[EntropyBottleneck.tablesBlob] else { throw ParameterFileError.missingTensor(EntropyBottleneck.tablesBlob) }
        return FactorizedCoder(tables: try EntropyTables(decoding: blob, channels: latentChannels))
    }
}

/// ŷ coded with the table of its quality and channel; there is no side information.
struct FactorizedCoder: LatentCoder {
    let tables: EntropyTables

    func encodeSideInformation(_ y: Tensor, quality: Int, into encoder: inout RangeEncoder) -> LatentSchedule {
        SingleStage(tables: tables.latentTables(set: quality - 1, plane: y.planeSize))
    }

    func decodeSideInformation(from decoder: inout RangeDecoder, quality: Int, geometry: LatentGeometry) throws -> LatentSchedule {
        SingleStage(tables: tables.latentTables(set: quality - 1, plane: geometry.yPlane))
    }
}
