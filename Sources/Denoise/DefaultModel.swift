import Foundation

extension Denoiser {
    /// The denoiser shipped inside the package (`Resources/default.aeicdenoiser`), if present.
    public static func defaultModelBytes() -> [UInt8]? {
        guard let url = Bundle.module.url(forResource: "default", withExtension: "aeicdenoiser",
                                          subdirectory: "Resources"),
              let data = try? Data(contentsOf: url) else { return nil }
        return Array(data)
    }
}
