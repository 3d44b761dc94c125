import Foundation

/// Adam (Kingma & Ba 2015) with optional global-norm gradient clipping. Each parameter's
/// `project` runs after its update; a parameter with a `relativeStep` takes steps in
/// proportion to its magnitude.
public final class Adam {
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float
    public var clipNorm: Float?
    /// Parameters held fixed (staged training): they take no step, and their gradients
    /// count in no clipping norm.
    public var frozen: Set<ObjectIdentifier> = []
    public private(set) var step = 0
    let parameters: [Parameter]
    var m: [[Float]], v: [[Float]]

    public init(_ parameters: [Parameter], learningRate: Float = 1e-4, beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-8, clipNorm: Float? = nil) {
        self.parameters = parameters
        self.learningRate = learningRate
        (self.beta1, self.beta2, self.epsilon) = (beta1, beta2, epsilon)
        self.clipNorm = clipNorm
        m = parameters.map { [Float](repeating: 0, count: $0.count) }
        v = m
    }

    public func zeroGrad() { parameters.forEach { $0.zeroGrad() } }

    /// The global L2 norm of the gradients of the parameters that are not frozen.
    public func gradientNorm() -> Float {
        var sum: Double = 0
        for p in parameters where !frozen.contains(ObjectIdentifier(p)) { for g in p.grad { sum += Double(g * g) } }
        return Float(sum.squareRoot())
    }

    public func update() {
        step += 1
        var scale: Float = 1
        if let clip = clipNorm {
            let norm = gradientNorm()
            if norm > clip { scale = clip / norm }
        }
        let c1 = 1 - pow(beta1, Float(step)), c2 = 1 - pow(beta2, Float(step))
        let lr = learningRate * c2.squareRoot() / c1
        for (index, p) in parameters.enumerated() where !frozen.contains(ObjectIdentifier(p)) {
            let relative = p.relativeStep ?? 0
            p.value.withUnsafeMutableBufferPointer { w in
                m[index].withUnsafeMutableBufferPointer { mm in
                    v[index].withUnsafeMutableBufferPointer { vv in
                        for k in 0..<w.count {
                            let g = p.grad[k] * scale
                            mm[k] = beta1 * mm[k] + (1 - beta1) * g
                            vv[k] = beta2 * vv[k] + (1 - beta2) * g * g
                            let size = relative == 0 ? lr : lr * relative * abs(w[k])
                            w[k] -= size * mm[k] / (vv[k].squareRoot() + epsilon)
                        }
                    }
                }
            }
            p.project?(&p.value)
        }
    }

    /// The moment estimates, for checkpoints.
    public var state: (step: Int, m: [[Float]], v: [[Float]]) { (step, m, v) }

    public func restore(step: Int, m: [[Float]], v: [[Float]]) {
        precondition(m.count == parameters.count && v.count == parameters.count, "optimiser state mismatch")
        self.step = step
        self.m = m
        self.v = v
    }
}
