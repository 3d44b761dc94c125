import NN
import Serialization

extension ImageCodec {
    /// The model file for `model`: transforms and gains in Float16; CDF tables (and the
    /// integer h_s) as integers.
    public static func export(_ model: CompressionModel) -> [UInt8] {
        ParameterFile(architecture: model.architecture.json, tensors: ParameterFile.entries(model.codingParameters),
                      blobs: model.prior.exportBlobs(gains: model.gains)).encoded(precision: .float16)
    }
}
