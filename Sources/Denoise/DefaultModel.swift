import Foundation

extension Denoiser {
    /// The names of the models shipped inside the package (`Resources/NAME.aeicdenoiser`): the
    /// network trained on the whole blind mixture, and its fine-tune for Gaussian noise
    /// (`BlindDenoiser`).
    public static let impulseModel = "default", gaussianModel = "gaussian"

    /// The model `name` shipped inside the package, if present.
    public static func shippedModelBytes(_ name: String) -> [UInt8]? {
        guard let url = Bundle.module.url(forResource: name, withExtension: "aeicdenoiser", subdirectory: "Resources"),
              let data = try? Data(contentsOf: url) else { return nil }
        return Array(data)
    }
}
