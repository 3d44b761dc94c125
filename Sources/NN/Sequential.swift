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
}
