import CKernels

// x: N, C_in, H, W   →   y: N, C_out, OH, OW
// weight: (C_out, C_in·K·K), bias: (C_out)

/// A 2-D convolution computed as im2col + one GEMM per band of output rows; the backward
/// pass is Caffe's pair of GEMMs (weights, data) and col2im. The column workspace is bounded
/// by `ConvGeometry.bandRows`, whatever the image size. Images of a batch run in parallel.
public final class Conv2D: Layer {
    public let inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int
    public let weight: Parameter, bias: Parameter
    private var input: Tensor?
    public private(set) var compute = Compute()

    public init(_ name: String, in inChannels: Int, out outChannels: Int, kernel: Int,
                stride: Int = 1, padding: Int? = nil, rng: inout SplitMix64) {
        (self.inChannels, self.outChannels) = (inChannels, outChannels)
        (self.kernel, self.stride) = (kernel, stride)
        self.padding = padding ?? kernel / 2
        let fanIn = inChannels * kernel * kernel
        weight = Parameter("\(name).weight", shape: [outChannels, fanIn],
                           value: heUniform(count: outChannels * fanIn, fanIn: fanIn, rng: &rng))
        bias = Parameter("\(name).bias", shape: [outChannels],
                         value: [Float](repeating: 0, count: outChannels))
    }

    public var parameters: [Parameter] { [weight, bias] }
    public func configure(_ compute: Compute) { self.compute = compute }
    public func clearCache() { input = nil }

    public func geometry(for x: Tensor) -> ConvGeometry {
        precondition(x.c == inChannels, "Conv2D expects \(inChannels) channels, got \(x.c)")
        return ConvGeometry(channels: inChannels, height: x.h, width: x.w, kernel: kernel,
                            stride: stride, padding: padding)
    }

    public func forward(_ x: Tensor) -> Tensor {
        input = x
        let g = geometry(for: x)
        var y = Tensor.uninitialized(n: x.n, c: outChannels, h: g.outHeight, w: g.outWidth)
        let plane = g.outHeight * g.outWidth
        // Work items are (image, band of output rows): disjoint parts of y, so a single image
        // is split across the workers too.
        let perImage = compute.parts(g.outHeight, images: x.n, limit: g.bandRows(outputRows: outChannels))
        let band = perImage.map(\.count).max()!
        let items = x.n * perImage.count
        let packedWords = aeic_pair_conv_workspace(Int32(g.colRows), Int32(g.outWidth))
        compute.workspaces.prepare(workers: compute.workers(items), count: max(g.colRows * band * g.outWidth, packedWords))
        withStorage(reading: [x.data, weight.value], writing: &y.data) { inputs, yb in
            let w = LeftOperand(m: outChannels, k: g.colRows, a: inputs[1], lda: g.colRows, precision: compute.precision)
            let xb = inputs[0]
            compute.forEach(items) { item, worker in
                let (i, rows) = (item / perImage.count, perImage[item % perImage.count])
                let yBand = yb + i * outChannels * plane + rows.lowerBound * g.outWidth
                multiplyColumns(w, image: xb + i * x.imageSize, g, rows: rows, workspace: compute.workspaces.pointer(worker),
                                into: yBand, ldc: plane)
            }
        }
        return y
    }

    /// y = b + W · col for grid rows `rows`. In the paired precisions the columns are
    /// converted and packed for the GEMM straight from the image, a block at a time, skipping
    /// the Float32 columns and their second pass, and the kernel adds the bias as it stores.
    private func multiplyColumns(_ w: LeftOperand, image: UnsafePointer<Float>, _ g: ConvGeometry, rows: Range<Int>,
                                 workspace: UnsafeMutablePointer<Float>, into y: UnsafeMutablePointer<Float>, ldc: Int) {
        let cols = rows.count * g.outWidth
        guard w.pairs != nil, stride <= 2 && g.outWidth % 16 == 0 else {
            // sgemm accumulates onto the bias, saving a pass over y.
            fill(y, bias.value, channels: 0..<outChannels, stride: ldc, count: cols)
            im2col(image, g, rows: rows, workspace)
            return w.multiply(n: cols, b: workspace, ldb: cols, beta: 1, c: y, ldc: ldc)
        }
        w.convolve(image, g, rows: rows, bias: bias.value, c: y, ldc: ldc, workspace: UnsafeMutablePointer(OpaquePointer(workspace)))
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("backward before forward") }
        let g = geometry(for: x)
        var dx = Tensor.uninitialized(like: x)
        let plane = g.outHeight * g.outWidth, band = g.bandRows(budget: ConvGeometry.backwardBudget)
        let workers = compute.workers(x.n)
        compute.workspaces.prepare(workers: workers, count: g.colRows * band * g.outWidth)
        let dW = GradientShards(workers: workers, count: weight.count)
        accumulateBiasGrad(dy, into: bias)
        withStorage(reading: [x.data, dy.data, weight.value], writing: &dx.data) { inputs, dxb in
            let (xb, dyb) = (inputs[0], inputs[1])
            let wT = LeftOperand(transA: true, m: g.colRows, k: outChannels, a: inputs[2], lda: g.colRows, precision: compute.precision)
            compute.forEach(x.n) { i, worker in
                let col = compute.workspaces.pointer(worker)
                (dxb + i * x.imageSize).update(repeating: 0, count: x.imageSize)    // col2im adds
                for rows in bands(g.outHeight, band) {
                    let cols = rows.count * g.outWidth
                    let dyBand = dyb + i * outChannels * plane + rows.lowerBound * g.outWidth
                    // dW += dy (C_out, cols) · col^T (cols, C·K·K)
                    if !weight.frozen {
                        im2col(xb + i * x.imageSize, g, rows: rows, col)
                        LeftOperand(m: outChannels, k: cols, a: dyBand, lda: plane, precision: compute.precision)
                            .multiply(n: g.colRows, b: col, ldb: cols, transB: true, beta: 1, c: dW.shard(worker), ldc: g.colRows)
                    }
                    // dcol = W^T (C·K·K, C_out) · dy (C_out, cols)
                    wT.multiply(n: cols, b: dyBand, ldb: plane, c: col, ldc: cols)
                    col2im(col, g, rows: rows, dxb + i * x.imageSize)
                }
            }
        }
        dW.add(into: weight)
        return dx
    }
}

/// Consecutive row ranges of at most `size` rows covering 0..<total.
func bands(_ total: Int, _ size: Int) -> [Range<Int>] {
    stride(from: 0, to: total, by: size).map { $0..<min($0 + size, total) }
}

/// Sets `count` consecutive values of each channel c in `channels` to b[c]; `y` points at
/// the first channel's values and channels lie `stride` apart.
func fill(_ y: UnsafeMutablePointer<Float>, _ bias: [Float], channels: Range<Int>, stride: Int, count: Int) {
    for c in channels { (y + (c - channels.lowerBound) * stride).update(repeating: bias[c], count: count) }
}

/// db[c] += Σ over images and pixels of dy[:, c].
func accumulateBiasGrad(_ dy: Tensor, into bias: Parameter) {
    guard !bias.frozen else { return }
    dy.data.withUnsafeBufferPointer { d in
        for i in 0..<dy.n {
            for c in 0..<dy.c {
                bias.grad[c] += aeic_sum(d.baseAddress! + (i * dy.c + c) * dy.planeSize, dy.planeSize)
            }
        }
    }
}
