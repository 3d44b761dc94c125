import NN
import Serialization

extension ImageCodec {
    /// The model file for `model`: transforms and gains in Float16; CDF tables (and the
    /// integer h_s) as integers.
    public static func export(_ model: CompressionModel) -> [UInt8] {
        let blobs: [String: [UInt8]]
        switch model.prior {
        case .factorized(let entropy):
            blobs = ["entropy.tables": EntropyTables(entropy: entropy, gains: model.gains).encoded]
        case .hyperprior(let hyper):
            blobs = HyperpriorCoder.export(hyper, gains: model.gains)
        }
        return ParameterFile(architecture: model.architecture.json,
                             tensors: ParameterFile.entries(model.codingParameters),
                             blobs: blobs).encoded(precision: .float16)
    }
}
