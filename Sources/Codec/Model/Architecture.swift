import Foundation
import Serialization

/// The shape of a codec model: what a model file must match before its tensors are loaded.
public struct Architecture: ArchitectureDescription, Equatable, Sendable {
    /// How y's probabilities are modelled (its raw value is what model files store).
    public enum Kind: String, Codable, CaseIterable, Sendable {
        /// y coded with a learned factorized density.
        case factorized = "factorized-gained"
        /// y coded with a Gaussian conditional whose scales come from the side information z.
        case hyperprior = "hyperprior-gained"
        /// y coded with a Gaussian conditional whose means and scales come from z and, for
        /// half of the latents, from the other half (`CheckerboardHyperprior`).
        case checkerboard = "checkerboard-gained"

        /// Whether the prior has side information z.
        public var hasHyperprior: Bool { self != .factorized }

        /// The short name the command line takes (`--arch factorized`).
        public var name: String { String(rawValue.prefix { $0 != "-" }) }
    }

    public var kind: Kind
    /// Channels of the hidden layers (N) and of the latent y (M).
    public var N: Int
    public var M: Int
    /// Channels of the hyperprior's layers and of z (hyperprior models only).
    public var hyperN: Int?
    /// Channels of the checkerboard context (checkerboard models only).
    public var contextN: Int?
    /// Whether h_a reads y's signs as well as |y|, so that z can carry the means
    /// (`Hyperprior.signed`): true for new checkerboard models, absent from the files of
    /// those trained before it.
    public var signedAnalysis: Bool?
    /// The rate–distortion trade-offs the gains were trained for, lowest rate first.
    public var lambdas: [Float]

    public static let defaultLambdas: [Float] = [0.00045, 0.0009, 0.0018, 0.0035, 0.0067, 0.0130, 0.0250, 0.0483, 0.0932, 0.18]

    public init(kind: Kind = .factorized, N: Int = 128, M: Int = 192, hyperN: Int? = nil, contextN: Int? = nil,
                signedAnalysis: Bool = true, lambdas: [Float] = Architecture.defaultLambdas) {
        (self.kind, self.N, self.M, self.lambdas) = (kind, N, M, lambdas)
        self.hyperN = kind.hasHyperprior ? hyperN ?? 96 : nil
        self.contextN = kind == .checkerboard ? contextN ?? 128 : nil
        self.signedAnalysis = kind == .checkerboard ? signedAnalysis : nil
    }

    /// Whether the sizes are ones this program will build (a model file's are checked before
    /// anything is allocated for them).
    public var isValid: Bool {
        (1...1024).contains(N) && (1...1024).contains(M)
            && (1...64).contains(lambdas.count) && lambdas.allSatisfy({ $0 > 0 && $0.isFinite }) && kind.hasHyperprior == (hyperN != nil)
            && (1...1024).contains(hyperN ?? 1) && (kind == .checkerboard) == (contextN != nil) && (1...1024).contains(contextN ?? 1)
            && (kind == .checkerboard || signedAnalysis == nil)
    }

    public var levels: Int { lambdas.count }

    /// The weights of g_a's and g_s's convolutions (5×5: 3→N→N→N→M and back): a file of this
    /// architecture holds at least these many values, which a reader checks before it builds
    /// the model, so that a small file cannot make it allocate gigabytes.
    public var transformWeightCount: Int { 2 * 25 * (3 * N + 2 * N * N + N * M) }

    /// The trade-off at a continuous level position, interpolated geometrically as the gains
    /// are (the trained λs are log-spaced).
    public func lambda(at position: Float) -> Float {
        let bracket = LevelBracket(position: position, levels: levels)
        return bracket.mix(lambdas[bracket.lower], lambdas[bracket.upper])
    }
}
