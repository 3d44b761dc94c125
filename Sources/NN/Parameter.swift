/// A trainable array and its gradient, named for the parameter file.
public final class Parameter {
    public let name: String
    public let shape: [Int]
    public var value: [Float]
    public var grad: [Float]
    /// Applied after every optimiser step: keeps reparametrised values in their domain.
    public var project: ((inout [Float]) -> Void)?
    /// When set, Adam's step for each element is this multiple of the learning rate times the
    /// element's magnitude: a step in log|w|. For positive scales such as the quality gains,
    /// whose good values span decades, an absolute step of 1e-4 would take far too long.
    public var relativeStep: Float?
    /// When set, backward passes leave the gradient alone and skip the work of computing it:
    /// for passes that need only dL/dx, such as the encoder's search over latents.
    public var frozen = false

    public init(_ name: String, shape: [Int], value: [Float]) {
        precondition(value.count == shape.reduce(1, *), "parameter \(name) size mismatch")
        self.name = name
        self.shape = shape
        self.value = value
        self.grad = [Float](repeating: 0, count: value.count)
    }

    public var count: Int { value.count }

    public func zeroGrad() {
        grad.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
    }
}

/// Anything that owns parameters.
public protocol ParameterOwner: AnyObject {
    var parameters: [Parameter] { get }
}

/// A differentiable step with cached state: `forward` remembers what `backward` needs.
/// `backward` takes dL/dy and returns dL/dx, adding into its parameters' gradients.
public protocol Layer: ParameterOwner {
    func forward(_ x: Tensor) -> Tensor
    func backward(_ dy: Tensor) -> Tensor
    /// Forgets what `forward` kept for `backward`.
    func clearCache()
    /// y as `forward` computes it, keeping nothing for `backward`.
    func infer(_ x: Tensor) -> Tensor
    /// Sets how this layer (and any layer inside it) computes.
    func configure(_ compute: Compute)
}

extension Layer {
    /// Layers without GEMMs compute the same way under any setting.
    public func configure(_ compute: Compute) {}

    /// `forward` without keeping anything for a backward pass, so that inference holds only
    /// the activations in flight (a photo's activations are gigabytes).
    public func infer(_ x: Tensor) -> Tensor {
        defer { clearCache() }
        return forward(x)
    }
}
