import EntropyCoding
import NN

// y: N, M, H, W (un-gained latents);  q: y quantized with each image's gains

/// A model of y's probabilities: what training needs of it (its parameters and the rate of
/// y with gradients) and what coding needs (the model file's share of it, and the coder
/// that a file's tables come from). The factorized density and the scale hyperprior are its
/// conformers; a context model is a third.
protocol Prior: AnyObject {
    var parameters: [Parameter] { get }
    /// Gains of the prior's own latents per trained level (the hyperprior's z), if any.
    var levelGains: [Gains] { get }
    /// The floating-point parameters a model file carries for coding (beyond the transforms).
    var codingParameters: [Parameter] { get }
    /// Sets how the prior's layers compute.
    func configure(_ compute: Compute)
    /// Sets how the layers that the encoder alone runs compute (those that pick tables must
    /// stay exact).
    func configureEncoder(_ compute: Compute)

    /// Bits of y's noisy latents `q.noisy` (and of any side information). The rate's
    /// gradients, scaled by `scale`, go to `dNoisy` and `dGain` (y's, per image and channel)
    /// and to the prior's parameters; the result carries the gradients along other paths.
    func bits(_ y: Tensor, _ q: GainedQuantization, rng: inout SplitMix64, scale: Float,
              dNoisy: UnsafeMutablePointer<Float>, dGain: UnsafeMutablePointer<Float>) -> PriorBits

    /// The integer tables and networks a model file stores for coding, by blob name.
    func exportBlobs(gains: Gains) -> [String: [UInt8]]
    /// The coder of a model file's blobs (the prior's parameters already loaded).
    func coder(blobs: [String: [UInt8]], latentChannels: Int) throws -> LatentCoder
}

/// What `Prior.bits` returns: the bits, and the rate's gradients along the paths other than
/// y's noisy latents.
struct PriorBits {
    var bits: Double
    /// dL/dy through side information computed from y (the hyperprior's z).
    var dy: Tensor? = nil
    /// dL/d(round(y·g)·g⁻) through a context computed from the decoded latents, which
    /// reaches y as g_s's gradient does, straight through the rounding.
    var dDecoded: Tensor? = nil
}

/// The coding half of a prior: it writes and reads whatever ŷ's tables depend on, and says
/// how ŷ is coded.
protocol LatentCoder {
    /// Codes the side information of y (if any) and returns how ŷ is coded.
    func encodeSideInformation(_ y: Tensor, quality: Int, into encoder: inout RangeEncoder) -> LatentSchedule
    /// Reads what `encodeSideInformation` wrote, for a ŷ of `geometry`.
    func decodeSideInformation(from decoder: inout RangeDecoder, quality: Int,
                               geometry: LatentGeometry) throws -> LatentSchedule
}

/// ŷ's symbols (channel-planar, M·h·w) in coding order, in stages: the tables of a stage may
/// depend on the latents of the stages before it, as a context model's do (the decoder
/// decodes a stage, computes the next stage's tables, decodes that). The factorized and
/// hyperprior coders need one stage of every latent.
protocol LatentSchedule {
    var stageCount: Int { get }
    /// The latents of stage `s` (indexes into ŷ, in coding order) and the table of each,
    /// given ŷ with every earlier stage's latents in place.
    func stage(_ s: Int, given yHat: [Int32]) -> (latents: [Int], tables: LatentTables)
}

extension LatentSchedule {
    func encode(_ yHat: [Int32], into encoder: inout RangeEncoder) {
        for s in 0..<stageCount {
            let (latents, tables) = stage(s, given: yHat)
            tables.encode(latents.map { yHat[$0] }, into: &encoder)
        }
    }

    /// The inverse of `encode` for a ŷ of `count` latents.
    func decode(count: Int, from decoder: inout RangeDecoder) throws -> [Int32] {
        var yHat = [Int32](repeating: 0, count: count)
        for s in 0..<stageCount {
            let (latents, tables) = stage(s, given: yHat)
            for (k, value) in zip(latents, try tables.decode(from: &decoder)) { yHat[k] = value }
        }
        return yHat
    }

    /// The table of every latent in ŷ order, with the tables of later stages as ŷ's own values
    /// choose them: what the encoder's search over ŷ charges each latent.
    func tables(given yHat: [Int32]) -> [CDFTable] {
        var out = [CDFTable?](repeating: nil, count: yHat.count)
        for s in 0..<stageCount {
            let (latents, tables) = stage(s, given: yHat)
            for (k, table) in zip(latents, tables.shiftedTables) { out[k] = table }
        }
        return out.map { $0! }
    }
}

/// A schedule of one stage: every latent in ŷ order, with tables fixed before coding starts.
struct SingleStage: LatentSchedule {
    let tables: LatentTables
    var stageCount: Int { 1 }
    func stage(_ s: Int, given yHat: [Int32]) -> (latents: [Int], tables: LatentTables) {
        (Array(0..<tables.count), tables)
    }
}
