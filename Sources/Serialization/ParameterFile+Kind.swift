import Foundation

extension ParameterFile {
    /// The `kind` field of the architecture description (e.g. "hyperprior-gained",
    /// "denoiser-unet"), so that a reader can say which kind of model it was given.
    public var kind: String? {
        struct Kinded: Decodable { let kind: String }
        return try? JSONDecoder().decode(Kinded.self, from: Data(architecture.utf8)).kind
    }
}
