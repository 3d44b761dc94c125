// x, y: N, C, H, W;  gamma: (C, C), beta: (C)

/// Generalized divisive normalization (Ballé, Laparra, Simoncelli 2016):
/// y_i = x_i / sqrt(β_i + Σ_j γ_ij x_j²), or, inverse (IGDN, for g_s), y_i = x_i · sqrt(…).
///
/// β and γ are trained through the non-negative reparametrisation β = p_β² − ε, γ = p_γ² − ε
/// (ε = 2⁻³⁶) with p kept above a floor after every step, as CompressAI's GDN does: it keeps
/// the square root well defined and lets small entries of γ still move.
public final class GDN: Layer {
    public let channels: Int
    public let inverse: Bool
    public let betaParam: Parameter, gammaParam: Parameter
    private var input: Tensor?
    private var norm: Tensor?      // s = sqrt(β + γ · x²)

    static let pedestal: Float = 1.0 / Float(1 << 18) / Float(1 << 18)
    static let betaMin: Float = 1e-6

    public init(_ name: String, channels: Int, inverse: Bool = false, gammaInit: Float = 0.1) {
        self.channels = channels
        self.inverse = inverse
        let ped = GDN.pedestal
        betaParam = Parameter("\(name).beta", shape: [channels],
                              value: [Float](repeating: (1 + ped).squareRoot(), count: channels))
        var gamma = [Float](repeating: ped.squareRoot(), count: channels * channels)
        for i in 0..<channels { gamma[i * channels + i] = (gammaInit + ped).squareRoot() }
        gammaParam = Parameter("\(name).gamma", shape: [channels, channels], value: gamma)
        let betaFloor = (GDN.betaMin + ped).squareRoot(), gammaFloor = ped.squareRoot()
        betaParam.project = { v in for i in v.indices { v[i] = max(v[i], betaFloor) } }
        gammaParam.project = { v in for i in v.indices { v[i] = max(v[i], gammaFloor) } }
    }

    public var parameters: [Parameter] { [betaParam, gammaParam] }

    var beta: [Float] { betaParam.value.map { $0 * $0 - GDN.pedestal } }
    var gamma: [Float] { gammaParam.value.map { $0 * $0 - GDN.pedestal } }

    public func forward(_ x: Tensor) -> Tensor {
        precondition(x.c == channels, "GDN expects \(channels) channels, got \(x.c)")
        input = x
        var s = Tensor(zerosLike: x)
        let (b, g) = (beta, gamma)
        let plane = x.planeSize
        var squares = [Float](repeating: 0, count: x.imageSize)
        for i in 0..<x.n {
            let base = i * x.imageSize
            for k in 0..<x.imageSize { squares[k] = x.data[base + k] * x.data[base + k] }
            s.data.withUnsafeMutableBufferPointer { sp in
                let si = sp.baseAddress! + base
                sgemm(m: channels, n: plane, k: channels, a: g, lda: channels,
                      b: squares, ldb: plane, c: si, ldc: plane)
                for c in 0..<channels {
                    for p in 0..<plane { si[c * plane + p] = (si[c * plane + p] + b[c]).squareRoot() }
                }
            }
        }
        norm = s
        var y = x
        y.data.withUnsafeMutableBufferPointer { yp in
            s.data.withUnsafeBufferPointer { sp in
                if inverse { for k in 0..<yp.count { yp[k] *= sp[k] } }
                else { for k in 0..<yp.count { yp[k] /= sp[k] } }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input, let s = norm else { preconditionFailure("backward before forward") }
        let g = gamma
        let plane = x.planeSize
        var dx = Tensor(zerosLike: x)
        var v = [Float](repeating: 0, count: x.imageSize)       // dL/dn, (C, P)
        var squares = [Float](repeating: 0, count: x.imageSize)
        var dGamma = [Float](repeating: 0, count: channels * channels)
        var dBeta = [Float](repeating: 0, count: channels)
        for i in 0..<x.n {
            let base = i * x.imageSize
            for k in 0..<x.imageSize {
                let xv = x.data[base + k], sv = s.data[base + k], d = dy.data[base + k]
                squares[k] = xv * xv
                // GDN: dy/dn = −x / (2 s³);  IGDN: dy/dn = x / (2 s)
                v[k] = inverse ? d * xv / (2 * sv) : -d * xv / (2 * sv * sv * sv)
                dx.data[base + k] = inverse ? d * sv : d / sv
            }
            // dγ += v · (x²)^T
            sgemm(transB: true, m: channels, n: channels, k: plane, a: v, lda: plane,
                  b: squares, ldb: plane, beta: 1, c: &dGamma, ldc: channels)
            for c in 0..<channels {
                var sum: Float = 0
                for p in 0..<plane { sum += v[c * plane + p] }
                dBeta[c] += sum
            }
            // dx += 2 x ∘ (γ^T v); reuse `squares` for γ^T v.
            sgemm(transA: true, m: channels, n: plane, k: channels, a: g, lda: channels,
                  b: v, ldb: plane, c: &squares, ldc: plane)
            for k in 0..<x.imageSize { dx.data[base + k] += 2 * x.data[base + k] * squares[k] }
        }
        for k in 0..<dGamma.count { gammaParam.grad[k] += 2 * gammaParam.value[k] * dGamma[k] }
        for c in 0..<channels { betaParam.grad[c] += 2 * betaParam.value[c] * dBeta[c] }
        return dx
    }
}
