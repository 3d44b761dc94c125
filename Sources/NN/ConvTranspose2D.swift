// x: N, C_in, H, W   →   y: N, C_out, OH, OW with OH = (H−1)·s − 2p + K + outputPadding
// weight: (C_in, C_out·K·K), bias: (C_out)

/// The transpose (adjoint) of a strided convolution, used for upsampling in g_s. Its forward
/// pass is a convolution's data-backward pass: one GEMM then col2im; its backward pass is
/// im2col and two GEMMs. Both run in bands of input rows, images of a batch in parallel.
public final class ConvTranspose2D: Layer {
    public let inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int
    public let outputPadding: Int
    public let weight: Parameter, bias: Parameter
    private var input: Tensor?
    public private(set) var compute = Compute()

    public init(_ name: String, in inChannels: Int, out outChannels: Int, kernel: Int,
                stride: Int, padding: Int? = nil, outputPadding: Int? = nil,
                rng: inout SplitMix64) {
        (self.inChannels, self.outChannels) = (inChannels, outChannels)
        (self.kernel, self.stride) = (kernel, stride)
        self.padding = padding ?? kernel / 2
        self.outputPadding = outputPadding ?? stride - 1
        let fanIn = inChannels * kernel * kernel / (stride * stride)
        let count = inChannels * outChannels * kernel * kernel
        weight = Parameter("\(name).weight", shape: [inChannels, outChannels * kernel * kernel],
                           value: heUniform(count: count, fanIn: max(1, fanIn), rng: &rng))
        bias = Parameter("\(name).bias", shape: [outChannels],
                         value: [Float](repeating: 0, count: outChannels))
    }

    public var parameters: [Parameter] { [weight, bias] }
    public func configure(_ compute: Compute) { self.compute = compute }
    public func clearCache() { input = nil }

    /// The image side is this layer's output, the kernel grid its input.
    public func geometry(for x: Tensor) -> ConvGeometry {
        precondition(x.c == inChannels, "ConvTranspose2D expects \(inChannels) channels, got \(x.c)")
        let oh = (x.h - 1) * stride - 2 * padding + kernel + outputPadding
        let ow = (x.w - 1) * stride - 2 * padding + kernel + outputPadding
        return ConvGeometry(channels: outChannels, height: oh, width: ow, kernel: kernel,
                            stride: stride, padding: padding, outHeight: x.h, outWidth: x.w)
    }

    public func forward(_ x: Tensor) -> Tensor {
        input = x
        let g = geometry(for: x)
        var y = Tensor.uninitialized(n: x.n, c: outChannels, h: g.height, w: g.width)
        let plane = x.planeSize, outImage = y.imageSize, outPlane = y.planeSize
        let band = g.bandRows(), taps = kernel * kernel
        // Work items are (image, group of output channels): col2im of different channels
        // never overlaps, so a single image is split across the workers too.
        let channelGroups = compute.parts(outChannels, images: x.n)
        let items = x.n * channelGroups.count
        compute.workspaces.prepare(workers: compute.workers(items), count: g.colRows * band * g.outWidth)
        withStorage(reading: [x.data, weight.value], writing: &y.data) { inputs, yb in
            let xb = inputs[0]
            // W^T's rows for each group's output channels.
            let parts = channelGroups.map { group in
                LeftOperand(transA: true, m: group.count * taps, k: inChannels,
                              a: inputs[1] + group.lowerBound * taps, lda: g.colRows, precision: compute.precision)
            }
            compute.forEach(items) { item, worker in
                let (i, channels) = (item / channelGroups.count, channelGroups[item % channelGroups.count])
                let part = ConvGeometry(channels: channels.count, height: g.height, width: g.width,
                                        kernel: kernel, stride: stride, padding: padding,
                                        outHeight: g.outHeight, outWidth: g.outWidth)
                let col = compute.workspaces.pointer(worker)
                let yi = yb + i * outImage + channels.lowerBound * outPlane
                fill(yi, bias.value, channels: channels, stride: outPlane, count: outPlane)    // col2im adds
                for rows in bands(g.outHeight, band) {
                    let cols = rows.count * g.outWidth
                    // col (C_out·K·K, cols) = W^T · x (C_in, cols), for this group's channels
                    parts[item % channelGroups.count].multiply(
                        n: cols, b: xb + i * x.imageSize + rows.lowerBound * x.w, ldb: plane, c: col, ldc: cols)
                    col2im(col, part, rows: rows, yi)
                }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        guard let x = input else { preconditionFailure("backward before forward") }
        let g = geometry(for: x)
        var dx = Tensor.uninitialized(like: x)
        let plane = x.planeSize, band = g.bandRows(budget: ConvGeometry.backwardBudget)
        let workers = compute.workers(x.n)
        compute.workspaces.prepare(workers: workers, count: g.colRows * band * g.outWidth)
        let dW = GradientShards(workers: workers, count: weight.count)
        accumulateBiasGrad(dy, into: bias)
        withStorage(reading: [x.data, dy.data, weight.value], writing: &dx.data) { inputs, dxb in
            let (xb, dyb) = (inputs[0], inputs[1])
            let w = LeftOperand(m: inChannels, k: g.colRows, a: inputs[2], lda: g.colRows, precision: compute.precision)
            compute.forEach(x.n) { i, worker in
                let col = compute.workspaces.pointer(worker)
                for rows in bands(g.outHeight, band) {
                    let cols = rows.count * g.outWidth
                    let offset = i * x.imageSize + rows.lowerBound * x.w
                    im2col(dyb + i * dy.imageSize, g, rows: rows, col)
                    // dx (C_in, cols) = W (C_in, C_out·K·K) · col
                    w.multiply(n: cols, b: col, ldb: cols, c: dxb + offset, ldc: plane)
                    guard !weight.frozen else { continue }
                    // dW += x (C_in, cols) · col^T (cols, C_out·K·K)
                    LeftOperand(m: inChannels, k: cols, a: xb + offset, lda: plane, precision: compute.precision)
                        .multiply(n: g.colRows, b: col, ldb: cols, transB: true, beta: 1, c: dW.shard(worker), ldc: g.colRows)
                }
            }
        }
        dW.add(into: weight)
        return dx
    }
}
