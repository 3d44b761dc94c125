import EntropyCoding
import NN
import Serialization

// y: 1, M, h, w (un-gained);  ŷ: M·h·w integers;  ẑ: Nh·⌈h/4⌉·⌈w/4⌉ integers

/// The coding of y under a scale hyperprior: first ẑ, the side information, quantized with
/// the gains of the trained level nearest the file's quality and coded with that level's
/// factorized tables (side information needs no finer steps, and 10 sets of tables instead
/// of 100 keep the model file small); then every latent of ŷ with the Gaussian table whose
/// index `ScaleIndexer` computes from ẑ in integers.
struct HyperpriorCoder: LatentCoder {
    let hyper: Hyperprior
    let zTables: EntropyTables
    /// One table per scale of `GaussianConditional.scaleTable`.
    let yTables: [CDFTable]
    let indexer: ScaleIndexer

    static let blobs = (z: "hyper.z.tables", y: "hyper.y.tables", indexer: "hyper.h_s")

    init(hyper: Hyperprior, latentChannels: Int, blobs: [String: [UInt8]]) throws {
        func blob(_ name: String) throws -> [UInt8] {
            guard let bytes = blobs[name] else { throw ParameterFileError.missingTensor(name) }
            return bytes
        }
        self.hyper = hyper
        zTables = try EntropyTables(decoding: try blob(HyperpriorCoder.blobs.z), sets: hyper.gains.levels,
                                    channels: hyper.entropy.channels)
        yTables = try CDFTable.decode(try blob(HyperpriorCoder.blobs.y), count: GaussianConditional.scaleTable.count)
        indexer = try ScaleIndexer(ScaleIndexer.Quantized(decoding: try blob(HyperpriorCoder.blobs.indexer)),
                                   hyper: hyper, latentChannels: latentChannels)
    }

    /// What `init` reads, made from a trained model.
    static func export(_ hyper: Hyperprior, gains: Gains) -> [String: [UInt8]] {
        let levels = (0..<hyper.gains.levels).map { hyper.gains.vectors(level: $0).gain }
        return [blobs.z: EntropyTables(entropy: hyper.entropy, gainVectors: levels).encoded,
         blobs.y: CDFTable.encode(GaussianConditional.tables),
         blobs.indexer: ScaleIndexer.quantize(hyper, gains: gains).encoded]
    }

    /// Codes ẑ = round(h_a(|y|)·g_z) and returns the tables of ŷ that it selects.
    func encodeSideInformation(_ y: Tensor, quality: Int, into encoder: inout RangeEncoder) -> LatentSchedule {
        let z = hyper.h_a.infer(y.map { abs($0) })
        let level = hyper.gains.nearestLevel(quality: quality)
        let gain = hyper.gains.vectors(level: level).gain
        let zHat = (0..<z.count).map { Int32((z.data[$0] * gain[$0 / z.planeSize]).rounded()) }
        zTables.latentTables(set: level, plane: z.planeSize).encode(zHat, into: &encoder)
        return latentTables(zHat, quality: quality, height: y.h, width: y.w)
    }

    /// The inverse of `encodeSideInformation` for a ŷ of `geometry`.
    func decodeSideInformation(from decoder: inout RangeDecoder, quality: Int, geometry: LatentGeometry) throws -> LatentSchedule {
        let tables = zTables.latentTables(set: hyper.gains.nearestLevel(quality: quality), plane: geometry.zPlane)
        return latentTables(try tables.decode(from: &decoder), quality: quality, height: geometry.yHeight, width: geometry.yWidth)
    }

    /// The Gaussian table of every latent of a `height`×`width` ŷ, as the integer h_s picks them from ẑ.
    func latentTables(_ zHat: [Int32], quality: Int, height: Int, width: Int) -> LatentSchedule {
        SingleStage(tables: LatentTables(tables: yTables, choice: .listed(indexer.indexes(zHat, quality: quality, height: height, width: width))))
    }
}
