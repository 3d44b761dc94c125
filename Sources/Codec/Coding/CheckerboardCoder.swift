import EntropyCoding
import NN

// y: 1, M, h, w (un-gained);  ŷ: M·h·w integers (channel-planar)

/// The coding of y under `CheckerboardHyperprior`: ẑ, then ŷ in two stages, the anchors with
/// the tables h_s's mean and scale pick and then the rest with the tables the context
/// corrects from the decoded anchors (`CheckerboardIndexer` computes both in integers).
struct CheckerboardCoder: LatentCoder {
    let side: SideInformationCoder
    /// `GaussianConditional.meanScaleTables`: per scale, one table per mean fraction.
    let yTables: [CDFTable]
    let indexer: CheckerboardIndexer

    static let blobs = (y: "checkerboard.y.tables", indexer: "checkerboard.networks")

    init(prior: CheckerboardHyperprior, blobs: [String: [UInt8]]) throws {
        side = try SideInformationCoder(hyper: prior.hyper, blobs: blobs)
        yTables = try CDFTable.decode(try blobs.required(CheckerboardCoder.blobs.y),
                                      count: GaussianConditional.scaleTable.count * GaussianConditional.meanSteps)
        indexer = try CheckerboardIndexer(CheckerboardIndexer.Quantized(decoding: try blobs.required(CheckerboardCoder.blobs.indexer)),
                                          prior: prior)
    }

    /// What `init` reads, made from a trained model.
    static func export(_ prior: CheckerboardHyperprior, gains: Gains) -> [String: [UInt8]] {
        SideInformationCoder.export(prior.hyper).merging([
            blobs.y: CDFTable.encode(GaussianConditional.meanScaleTables),
            blobs.indexer: CheckerboardIndexer.quantize(prior, gains: gains).encoded]) { $1 }
    }

    func encodeSideInformation(_ y: Tensor, quality: Int, into encoder: inout RangeEncoder) -> LatentSchedule {
        schedule(side.encode(y, quality: quality, into: &encoder), quality: quality,
                 geometry: .latents(yHeight: y.h, yWidth: y.w))
    }

    func decodeSideInformation(from decoder: inout RangeDecoder, quality: Int, geometry: LatentGeometry) throws -> LatentSchedule {
        schedule(try side.decode(from: &decoder, quality: quality, geometry: geometry), quality: quality, geometry: geometry)
    }

    func schedule(_ zHat: [Int32], quality: Int, geometry: LatentGeometry) -> LatentSchedule {
        let hidden = indexer.hidden(zHat, quality: quality, geometry: geometry)
        return CheckerboardSchedule(coder: self, quality: quality, geometry: geometry, hidden: hidden,
                                    anchor: indexer.anchorParameters(hidden: hidden, geometry: geometry))
    }
}

/// ŷ's two stages: the anchors (row + column even) of every channel, then the rest.
struct CheckerboardSchedule: LatentSchedule {
    let coder: CheckerboardCoder
    let quality: Int, geometry: LatentGeometry
    let hidden: Tensor
    let anchor: CheckerboardIndexer.Parameters

    var stageCount: Int { 2 }

    func stage(_ s: Int, given yHat: [Int32]) -> (latents: [Int], tables: LatentTables) {
        let (h, w) = (geometry.yHeight, geometry.yWidth), plane = h * w
        let positions = CheckerboardHyperprior.positions(anchors: s == 0, height: h, width: w)
        var latents: [Int] = []
        latents.reserveCapacity(coder.indexer.yChannels * positions.count)    // 300 MB at 100 MP: no regrowth
        for c in 0..<coder.indexer.yChannels { latents += positions.lazy.map { c * plane + $0 } }
        // The context's corrections apply to the second stage, one per latent in its order.
        // Tables are picked a block of latents at a time as they are coded: a list of them
        // all would be 144 MB at 24 MP.
        let delta = s == 1 && !latents.isEmpty ? coder.indexer.corrections(yHat, hidden: hidden, quality: quality, geometry: geometry) : nil
        return (latents, LatentTables(tables: coder.yTables, choice: .computed(count: latents.count) { [anchor, indexer = coder.indexer, latents] block in
            block.map { j in
                let k = latents[j]
                return indexer.pick(scale: anchor.scale[k] + (delta?.scale[j] ?? 0), mean: anchor.mean[k] + (delta?.mean[j] ?? 0),
                                    channel: k / plane, quality: quality)
            }
        }))
    }
}
