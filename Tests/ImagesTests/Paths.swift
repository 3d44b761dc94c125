import Foundation
import XCTest

/// The repository root and the shared datasets beside it.
enum Paths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
    static func fixture(_ name: String) -> String { root.appendingPathComponent("fixtures/\(name)").path }
    static func sample(_ name: String) -> String { root.appendingPathComponent("samples/\(name)").path }

    /// A folder of ../shared/datasets, or a skip with a clear message when it is absent.
    static func dataset(_ name: String) throws -> URL {
        let url = root.deletingLastPathComponent().appendingPathComponent("shared/datasets/\(name)")
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw XCTSkip("../shared/datasets/\(name) is absent; skipping the tests that need it")
        }
        return url
    }

    static func bytes(_ path: String) -> [UInt8] { Array(FileManager.default.contents(atPath: path) ?? Data()) }
}
