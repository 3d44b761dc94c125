import Foundation

/// The shape of a codec model: what a model file must match before its tensors are loaded.
public struct Architecture: Codable, Equatable, Sendable {
    public var kind: String = "factorized-gained"
    /// Channels of the hidden layers (N) and of the latent y (M).
    public var N: Int
    public var M: Int
    /// The rate–distortion trade-offs the gains were trained for, lowest rate first.
    public var lambdas: [Float]

    public static let defaultLambdas: [Float] = [0.00045, 0.0009, 0.0018, 0.0035, 0.0067, 0.0130, 0.0250, 0.0483, 0.0932, 0.18]

    public init(N: Int = 128, M: Int = 192, lambdas: [Float] = Architecture.defaultLambdas) {
        (self.N, self.M, self.lambdas) = (N, M, lambdas)
    }

    public var levels: Int { lambdas.count }

    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }

    public init(json: String) throws {
        self = try JSONDecoder().decode(Architecture.self, from: Data(json.utf8))
    }
}
