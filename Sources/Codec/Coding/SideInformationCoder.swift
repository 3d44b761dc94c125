import EntropyCoding
import NN
import Serialization

// y: 1, M, h, w (un-gained);  ẑ: Nh·⌈h/4⌉·⌈w/4⌉ integers

/// The coding of a hyperprior's side information ẑ, quantized with the gains of the trained
/// level nearest the file's quality and coded with that level's factorized tables (side
/// information needs no finer steps, and 10 sets of tables instead of 100 keep the model
/// file small).
struct SideInformationCoder {
    let hyper: Hyperprior
    let tables: EntropyTables

    static let blob = "hyper.z.tables"

    init(hyper: Hyperprior, blobs: [String: [UInt8]]) throws {
        self.hyper = hyper
        tables = try EntropyTables(decoding: try blobs.required(SideInformationCoder.blob), sets: hyper.gains.levels,
                                   channels: hyper.entropy.channels)
    }

    /// What `init` reads, made from a trained hyperprior.
    static func export(_ hyper: Hyperprior) -> [String: [UInt8]] {
        let levels = (0..<hyper.gains.levels).map { hyper.gains.vectors(level: $0).gain }
        return [blob: EntropyTables(entropy: hyper.entropy, gainVectors: levels).encoded]
    }

    /// Codes ẑ = round(h_a(y)·g_z) and returns it.
    func encode(_ y: Tensor, quality: Int, into encoder: inout RangeEncoder) -> [Int32] {
        let z = hyper.analyse(y)
        let level = hyper.gains.nearestLevel(quality: quality)
        let gain = hyper.gains.vectors(level: level).gain
        let zHat = z.quantized(channelGains: gain)
        tables.latentTables(set: level, plane: z.planeSize).encode(zHat, into: &encoder)
        return zHat
    }

    /// The inverse of `encode` for a ŷ of `geometry`.
    func decode(from decoder: inout RangeDecoder, quality: Int, geometry: LatentGeometry) throws -> [Int32] {
        try tables.latentTables(set: hyper.gains.nearestLevel(quality: quality), plane: geometry.zPlane).decode(from: &decoder)
    }
}

extension Dictionary where Key == String, Value == [UInt8] {
    /// A model file's blob, or the error that names the missing one.
    func required(_ name: String) throws -> [UInt8] {
        guard let bytes = self[name] else { throw ParameterFileError.missingTensor(name) }
        return bytes
    }
}
