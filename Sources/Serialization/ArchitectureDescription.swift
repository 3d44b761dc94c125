import Foundation

/// An architecture as a parameter file describes it: JSON with sorted keys, so that the
/// same architecture is always the same bytes (model files are identified by their hash).
public protocol ArchitectureDescription: Codable {}

extension ArchitectureDescription {
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    public init(json: String) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(json.utf8))
    }
}
