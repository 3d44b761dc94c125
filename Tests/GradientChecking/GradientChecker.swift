import XCTest
import NN

/// Central finite differences against a layer's backward pass (Caffe's GradientChecker):
/// the loss is L = Σ r ∘ y for a fixed random r, so dL/dy = r.
public struct GradientChecker {
    public var step: Float = 1e-2
    public var tolerance: Float = 2e-2

    public init(step: Float = 1e-2, tolerance: Float = 2e-2) { (self.step, self.tolerance) = (step, tolerance) }

    public func check(_ layer: Layer, input: Tensor, seed: UInt64 = 7,
               file: StaticString = #filePath, line: UInt = #line) {
        var rng = SplitMix64(seed: seed)
        let y = layer.forward(input)
        let r = Tensor(n: y.n, c: y.c, h: y.h, w: y.w, data: (0..<y.count).map { _ in rng.uniform() - 0.5 })
        layer.parameters.forEach { $0.zeroGrad() }
        let dx = layer.backward(r)
        func loss(_ x: Tensor) -> Double {
            let out = layer.forward(x)
            return zip(out.data, r.data).reduce(0.0) { $0 + Double($1.0 * $1.1) }
        }
        var x = input
        for k in sampleIndices(input.count, &rng) {
            let saved = x.data[k]
            x.data[k] = saved + step; let plus = loss(x)
            x.data[k] = saved - step; let minus = loss(x)
            x.data[k] = saved
            compare(Float((plus - minus) / Double(2 * step)), dx.data[k], "input[\(k)]", file, line)
        }
        for p in layer.parameters {
            let analytic = p.grad
            for k in sampleIndices(p.count, &rng) {
                let saved = p.value[k]
                p.value[k] = saved + step; let plus = loss(x)
                p.value[k] = saved - step; let minus = loss(x)
                p.value[k] = saved
                compare(Float((plus - minus) / Double(2 * step)), analytic[k], "\(p.name)[\(k)]", file, line)
            }
        }
    }

    func sampleIndices(_ count: Int, _ rng: inout SplitMix64) -> [Int] {
        count <= 40 ? Array(0..<count) : (0..<40).map { _ in Int(rng.next() % UInt64(count)) }
    }

    func compare(_ numeric: Float, _ analytic: Float, _ what: String,
                         _ file: StaticString, _ line: UInt) {
        let scale = max(1, abs(numeric), abs(analytic))
        XCTAssertLessThanOrEqual(abs(numeric - analytic) / scale, tolerance,
                                 "\(what): numeric \(numeric) vs analytic \(analytic)", file: file, line: line)
    }
}

public func randomTensor(n: Int, c: Int, h: Int, w: Int, seed: UInt64, scale: Float = 1) -> Tensor {
    var rng = SplitMix64(seed: seed)
    return Tensor(n: n, c: c, h: h, w: w, data: (0..<n * c * h * w).map { _ in (rng.uniform() * 2 - 1) * scale })
}

extension GradientChecker {
    /// Central finite differences of `loss` against the gradients it leaves in `parameters`
    /// (sampled entries of each, each parameter reached by some gradient). `loss` must zero nothing itself, run forward and backward,
    /// and draw any randomness from a fixed seed, so that it is one deterministic function.
    public func check(parameters: [Parameter], loss: () -> Double,
                      file: StaticString = #filePath, line: UInt = #line) {
        parameters.forEach { $0.zeroGrad() }
        _ = loss()
        let analytic = parameters.map(\.grad)
        var rng = SplitMix64(seed: 11)
        for (p, gradient) in zip(parameters, analytic) {
            XCTAssertTrue(gradient.contains { $0 != 0 }, "\(p.name): no gradient reaches it, so the check would be vacuous",
                          file: file, line: line)
            for k in sampleIndices(p.count, &rng) {
                let saved = p.value[k]
                p.value[k] = saved + step; let plus = loss()
                p.value[k] = saved - step; let minus = loss()
                p.value[k] = saved
                compare(Float((plus - minus) / Double(2 * step)), gradient[k], "\(p.name)[\(k)]", file, line)
            }
        }
    }
}
