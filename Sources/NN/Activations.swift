/// A layer that maps every pixel (its values across channels) on its own, so that inference
/// may overwrite an activation that nothing else holds instead of allocating another
/// (`Sequential.infer`).
public protocol PointwiseLayer: Layer {
    func apply(_ x: inout Tensor)
}

extension PointwiseLayer {
    /// The layer's output for `x` in a new tensor, `x` left as it is.
    func applied(to x: Tensor) -> Tensor {
        var y = x
        apply(&y)
        return y
    }
}

/// Leaky ReLU (slope 0 gives ReLU): y = x for x > 0, slope·x otherwise.
public final class LeakyReLU: PointwiseLayer {
    public let slope: Float
    private var input: Tensor?
    public init(slope: Float = 0) { self.slope = slope }
    public var parameters: [Parameter] { [] }

    public func forward(_ x: Tensor) -> Tensor {
        input = x
        return applied(to: x)
    }

    // Selects, not branches, in both directions: about half the values are negative, and a
    // mispredicted branch per value, on one core while the other waited, cost a denoiser
    // training step a fifth of its time.
    public func apply(_ x: inout Tensor) {
        let slope = slope    // a local: read through self, it is reloaded every value and nothing vectorizes
        x.data.withUnsafeMutableBufferPointer { v in for k in v.indices { v[k] = v[k] <= 0 ? v[k] * slope : v[k] } }
    }

    public func clearCache() { input = nil }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("backward before forward") }
        let slope = slope
        var dx = Tensor.uninitialized(like: dy)
        x.data.withUnsafeBufferPointer { xs in
            dy.data.withUnsafeBufferPointer { d in
                dx.data.withUnsafeMutableBufferPointer { out in
                    for k in out.indices { out[k] = xs[k] <= 0 ? d[k] * slope : d[k] }
                }
            }
        }
        return dx
    }
}

/// A residual block y = x + body(x) (He et al. 2016); body keeps the shape.
public final class Residual: Layer {
    public let body: Layer
    public init(_ body: Layer) { self.body = body }
    public var parameters: [Parameter] { body.parameters }
    public func forward(_ x: Tensor) -> Tensor { x + body.forward(x) }
    /// body(x) with x added in place: the body keeps nothing, and no third activation is made.
    public func infer(_ x: Tensor) -> Tensor {
        var y = body.infer(x)
        y += x
        return y
    }
    public func backward(_ dy: Tensor) -> Tensor { dy + body.backward(dy) }
    public func clearCache() { body.clearCache() }
    public func configure(_ compute: Compute) { body.configure(compute) }
}

/// Clamping to [lower, upper]: y = min(max(x, lower), upper); the gradient passes where x
/// lies strictly inside. A bounded ReLU (lower 0) keeps activations in a range fixed before
/// training, which an integer version of the network can then represent exactly.
public final class Clamp: PointwiseLayer {
    public let lower: Float, upper: Float
    private var input: Tensor?
    public init(lower: Float, upper: Float) { (self.lower, self.upper) = (lower, upper) }
    public var parameters: [Parameter] { [] }

    public func forward(_ x: Tensor) -> Tensor {
        input = x
        return applied(to: x)
    }

    public func apply(_ x: inout Tensor) {
        x.data.withUnsafeMutableBufferPointer { v in for k in v.indices { v[k] = min(max(v[k], lower), upper) } }
    }

    public func clearCache() { input = nil }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("backward before forward") }
        var dx = dy
        for k in 0..<dx.count where !(x.data[k] > lower && x.data[k] < upper) { dx.data[k] = 0 }
        return dx
    }
}
