import CKernels

// x, y: N, C, H, W;  gamma: (C, C), beta: (C)

/// Generalized divisive normalization (Ballé, Laparra, Simoncelli 2016):
/// y_i = x_i / sqrt(β_i + Σ_j γ_ij x_j²), or, inverse (IGDN, for g_s), y_i = x_i · sqrt(…).
///
/// β and γ are trained through the non-negative reparametrisation β = p_β² − ε, γ = p_γ² − ε
/// (ε = 2⁻³⁶) with p kept above a floor after every step, as CompressAI's GDN does: it keeps
/// the square root well defined and lets small entries of γ still move.
public final class GDN: PointwiseLayer {
    public let channels: Int
    public let inverse: Bool
    public let betaParam: Parameter, gammaParam: Parameter
    private var input: Tensor?
    private var norm: Tensor?      // s = sqrt(β + γ · x²)
    public private(set) var compute = Compute()

    static let pedestal: Float = 1.0 / Float(1 << 18) / Float(1 << 18)
    static let betaMin: Float = 1e-6
    /// Floats of x² per band of pixels (1 MiB).
    static let bandBudget = 1 << 18

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
    public func configure(_ compute: Compute) {
        precondition(compute.precision != .int16, "GDN's operands are not integers")
        self.compute = compute
    }
    public func clearCache() { (input, norm) = (nil, nil) }

    var beta: [Float] { betaParam.value.map { $0 * $0 - GDN.pedestal } }
    var gamma: [Float] { gammaParam.value.map { $0 * $0 - GDN.pedestal } }

    public func forward(_ x: Tensor) -> Tensor {
        input = x
        var y = Tensor.uninitialized(like: x), s = Tensor.uninitialized(like: x)
        let bands = pixelBands(x)
        withStorage(reading: [x.data], writing: &y.data) { xb, yb in
            s.data.withUnsafeMutableBufferPointer { normalise(bands, x: xb[0], into: yb, norms: $0.baseAddress!) }
        }
        norm = s
        return y
    }

    /// y over x, each band's norms living only in its workspace: inference holds one tensor
    /// where it held two (and touches no new memory for y).
    public func apply(_ x: inout Tensor) {
        let bands = pixelBands(x)
        x.data.withUnsafeMutableBufferPointer { normalise(bands, x: $0.baseAddress!, into: $0.baseAddress!, norms: nil) }
    }

    public func infer(_ x: Tensor) -> Tensor { applied(to: x) }

    /// y = x / s (IGDN: x · s), s = sqrt(β + γ · x²), band by band; y may be x, since a band's
    /// x² is taken before its y is written and bands are disjoint. The norms go to `norms`
    /// (laid out as x) where given.
    private func normalise(_ bands: PixelBands, x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>,
                           norms: UnsafeMutablePointer<Float>?) {
        let (b, plane, inverse) = (beta, bands.plane, inverse)
        compute.workspaces.prepare(workers: compute.workers(bands.items),
                                   count: squaresWords(bands.longest) + (norms == nil ? channels * bands.longest : 0))
        gamma.withUnsafeBufferPointer { g in
            let gammaOperand = LeftOperand(m: channels, k: channels, a: g.baseAddress!, lda: channels, precision: compute.precision)
            compute.forEach(bands.items) { item, worker in
                let (first, n) = bands.band(item)
                let squares = compute.workspaces.pointer(worker)
                // The band's norms: in `norms`, or after x² in the workspace, (C, n).
                let (s, stride) = norms.map { ($0 + first, plane) } ?? (squares + squaresWords(n), n)
                multiplySquares(gammaOperand, x: x + first, ld: plane, n: n, workspace: squares, into: s, ldc: stride)
                for c in 0..<channels {
                    let at = first + c * plane
                    aeic_gdn_normalise(x + at, s + c * stride, b[c], y + at, n, inverse)
                }
            }
        }
    }

    /// The work items for x, whose channels must be this layer's.
    private func pixelBands(_ x: Tensor) -> PixelBands {
        precondition(x.c == channels, "GDN expects \(channels) channels, got \(x.c)")
        return PixelBands(x, limit: GDN.bandBudget / channels, compute: compute)
    }

    /// Workspace floats for a band of n pixels' x²: (C, n), or packed for the bfloat16 GEMM.
    private func squaresWords(_ n: Int) -> Int {
        max(channels * n, aeic_pair_packed_b_size(Int32(channels), Int32(n)))
    }

    /// norms (C, n) = γ · x² for a band of n pixels whose channels lie `ld` apart. In bfloat16,
    /// x² is squared and packed for the GEMM in one pass, with no Float32 x² in between.
    private func multiplySquares(_ gamma: LeftOperand, x: UnsafePointer<Float>, ld: Int, n: Int,
                                 workspace: UnsafeMutablePointer<Float>, into norms: UnsafeMutablePointer<Float>, ldc: Int) {
        guard gamma.pairs == AEIC_PAIR_BF16 else {
            for c in 0..<channels { aeic_square(x + c * ld, workspace + c * n, n) }
            return gamma.multiply(n: n, b: workspace, ldb: n, c: norms, ldc: ldc)
        }
        let packed = UnsafeMutablePointer<UInt32>(OpaquePointer(workspace))
        aeic_pair_pack_squares(x, ld, Int32(channels), Int32(n), packed)
        gamma.multiply(n: n, packedB: packed, c: norms, ldc: ldc)
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input, let s = norm else { preconditionFailure("backward before forward") }
        let g = gamma
        let plane = x.planeSize, inverse = self.inverse
        var dx = Tensor.uninitialized(like: x)
        let bands = pixelBands(x)
        let workers = compute.workers(bands.items)
        compute.workspaces.prepare(workers: workers, count: 2 * channels * bands.longest)
        let dGamma = GradientShards(workers: workers, count: channels * channels)
        let dBeta = GradientShards(workers: workers, count: channels)
        withStorage(reading: [x.data, s.data, dy.data, g], writing: &dx.data) { inputs, dxb in
            let (xb, sb, dyb) = (inputs[0], inputs[1], inputs[2])
            let gammaT = LeftOperand(transA: true, m: channels, k: channels, a: inputs[3], lda: channels, precision: compute.precision)
            compute.forEach(bands.items) { item, worker in
                let (first, n) = bands.band(item)
                let v = compute.workspaces.pointer(worker)            // dL/dn of the band, (C, n)
                let squares = v + channels * n
                for c in 0..<channels {
                    let at = first + c * plane
                    aeic_gdn_backward_pointwise(xb + at, sb + at, dyb + at, squares + c * n, v + c * n,
                                                dxb + at, n, inverse)
                }
                if !gammaParam.frozen {
                    // dγ += v · (x²)^T
                    LeftOperand(m: channels, k: n, a: v, lda: n, precision: compute.precision)
                        .multiply(n: channels, b: squares, ldb: n, transB: true, beta: 1,
                                  c: dGamma.shard(worker), ldc: channels)
                }
                if !betaParam.frozen {
                    let db = dBeta.shard(worker)
                    for c in 0..<channels { db[c] += aeic_sum(v + c * n, n) }
                }
                // dx += 2 x ∘ (γ^T v); `squares` is reused for γ^T v.
                gammaT.multiply(n: n, b: v, ldb: n, c: squares, ldc: n)
                for c in 0..<channels {
                    let at = first + c * plane
                    aeic_gdn_backward_input(dxb + at, xb + at, squares + c * n, n)
                }
            }
        }
        // Through the reparametrisation: dL/dp = 2p · dL/dγ.
        let chain = { (shards: GradientShards, p: Parameter) in
            guard !p.frozen else { return }
            let total = Parameter("", shape: p.shape, value: [Float](repeating: 0, count: p.count))
            shards.add(into: total)
            for k in 0..<p.count { p.grad[k] += 2 * p.value[k] * total.grad[k] }
        }
        chain(dGamma, gammaParam)
        chain(dBeta, betaParam)
        return dx
    }
}

/// GDN's work items, (image, band of pixels), for both passes: a band's x² (and, backward,
/// dL/dn) stays in cache from one pass over it to the next, and a single image is split
/// across the workers too.
private struct PixelBands {
    let bands: [Range<Int>], longest: Int, items: Int, imageSize: Int, plane: Int

    init(_ x: Tensor, limit: Int, compute: Compute) {
        bands = compute.parts(x.planeSize, images: x.n, limit: max(1, limit))
        longest = bands.map(\.count).max()!
        (items, imageSize, plane) = (x.n * bands.count, x.imageSize, x.planeSize)
    }

    /// The offset of `item`'s first pixel in channel 0, and its pixel count.
    func band(_ item: Int) -> (first: Int, count: Int) {
        let pixels = bands[item % bands.count]
        return ((item / bands.count) * imageSize + pixels.lowerBound, pixels.count)
    }
}
