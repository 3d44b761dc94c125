import Foundation

extension ImageCodec {
    /// The model shipped inside the package (`Resources/default.aeicmodel`), if present.
    public static func defaultModelBytes() -> [UInt8]? {
        guard let url = Bundle.module.url(forResource: "default", withExtension: "aeicmodel",
                                          subdirectory: "Resources"),
              let data = try? Data(contentsOf: url) else { return nil }
        return Array(data)
    }
}
