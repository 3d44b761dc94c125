import EntropyCoding
import NN
import Serialization

// y: 1, M, h, w (un-gained);  ŷ: M·h·w integers;  ẑ: Nh·⌈h/4⌉·⌈w/4⌉ integers

/// The coding of y under a scale hyperprior: first ẑ, the side information; then every
/// latent of ŷ with the Gaussian table whose index `ScaleIndexer` computes from ẑ in integers.
struct HyperpriorCoder: LatentCoder {
    let side: SideInformationCoder
    /// One table per scale of `GaussianConditional.scaleTable`.
    let yTables: [CDFTable]
    let indexer: ScaleIndexer

    static let blobs = (y: "hyper.y.tables", indexer: "hyper.h_s")

    init(hyper: Hyperprior, latentChannels: Int, blobs: [String: [UInt8]]) throws {
        side = try SideInformationCoder(hyper: hyper, blobs: blobs)
        yTables = try CDFTable.decode(try blobs.required(HyperpriorCoder.blobs.y), count: GaussianConditional.scaleTable.count)
        indexer = try ScaleIndexer(ScaleIndexer.Quantized(decoding: try blobs.required(HyperpriorCoder.blobs.indexer)),
                                   hyper: hyper, latentChannels: latentChannels)
    }

    /// What `init` reads, made from a trained model.
    static func export(_ hyper: Hyperprior, gains: Gains) -> [String: [UInt8]] {
        SideInformationCoder.export(hyper).merging([blobs.y: CDFTable.encode(GaussianConditional.tables),
                                                    blobs.indexer: ScaleIndexer.quantize(hyper, gains: gains).encoded]) { $1 }
    }

    /// Codes ẑ and returns the tables of ŷ that it selects.
    func encodeSideInformation(_ y: Tensor, quality: Int, into encoder: inout RangeEncoder) -> LatentSchedule {
        latentTables(side.encode(y, quality: quality, into: &encoder), quality: quality, height: y.h, width: y.w)
    }

    /// The inverse of `encodeSideInformation` for a ŷ of `geometry`.
    func decodeSideInformation(from decoder: inout RangeDecoder, quality: Int, geometry: LatentGeometry) throws -> LatentSchedule {
        latentTables(try side.decode(from: &decoder, quality: quality, geometry: geometry), quality: quality,
                     height: geometry.yHeight, width: geometry.yWidth)
    }

    /// The Gaussian table of every latent of a `height`×`width` ŷ, as the integer h_s picks them from ẑ.
    func latentTables(_ zHat: [Int32], quality: Int, height: Int, width: Int) -> LatentSchedule {
        SingleStage(tables: LatentTables(tables: yTables, choice: .listed(indexer.indexes(zHat, quality: quality, height: height, width: width))))
    }
}
