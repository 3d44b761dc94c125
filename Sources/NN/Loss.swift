/// Mean squared error over all elements, and its gradient with respect to `prediction`.
public func mseLoss(_ prediction: Tensor, _ target: Tensor) -> (loss: Double, grad: Tensor) {
    precondition(prediction.sameShape(target), "shape mismatch")
    var grad = prediction - target
    let sum = grad.data.reduce(0.0) { $0 + Double($1 * $1) }
    let scale = 2 / Float(grad.count)
    grad.data.withUnsafeMutableBufferPointer { g in for k in 0..<g.count { g[k] *= scale } }
    return (sum / Double(grad.count), grad)
}
