/// Layers applied in order; backward runs them in reverse.
public final class Sequential: Layer {
    public let layers: [Layer]
    public init(_ layers: [Layer]) { self.layers = layers }

    public var parameters: [Parameter] { layers.flatMap(\.parameters) }

    public func forward(_ x: Tensor) -> Tensor {
        layers.reduce(x) { $1.forward($0) }
    }

    public func backward(_ dy: Tensor) -> Tensor {
        layers.reversed().reduce(dy) { $1.backward($0) }
    }

    public func clearCache() { layers.forEach { $0.clearCache() } }
    public func configure(_ compute: Compute) { layers.forEach { $0.configure(compute) } }

    /// Each layer forgets its input as soon as it has run, so an activation is freed once
    /// the next layer has consumed it; a pointwise layer overwrites the activation in place.
    public func infer(_ x: Tensor) -> Tensor {
        var t = x
        for layer in layers {
            if let pointwise = layer as? PointwiseLayer { pointwise.apply(&t) } else { t = layer.infer(t) }
        }
        return t
    }
}
