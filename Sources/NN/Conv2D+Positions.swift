// x: 1, C_in, H, W   →   y: 1, C_out, 1, P (one column per chosen output position)

extension Conv2D {
    /// The convolution's output at `positions` alone (indexes oy·OW + ox into its output
    /// grid), summing only the taps `taps` (indexes ky·K + kx) as if every other tap read
    /// zero. A checkerboard context needs its output at half the latents, and there only the
    /// taps that land on the other half of the board read anything (12 of a 5×5 kernel's 25):
    /// a quarter of `infer`'s work over the whole grid.
    public func infer(_ x: Tensor, at positions: [Int], taps: [Int]) -> Tensor {
        precondition(x.n == 1, "positions of one image")
        let g = geometry(for: x)
        precondition(positions.allSatisfy { (0..<(g.outHeight * g.outWidth)).contains($0) }, "positions inside the output")
        precondition(taps.allSatisfy { (0..<(kernel * kernel)).contains($0) }, "taps inside the kernel")
        let rows = inChannels * taps.count
        let weights = weight.value
        var w: [Float] = []
        w.reserveCapacity(outChannels * rows)
        for filter in Swift.stride(from: 0, to: weights.count, by: kernel * kernel) { w += taps.lazy.map { weights[filter + $0] } }
        var y = Tensor.uninitialized(n: 1, c: outChannels, h: 1, w: positions.count)
        // Parts of the positions bound the columns' workspace, as `bandRows` bounds `forward`'s.
        let parts = compute.parts(positions.count, images: 1, limit: max(1, (1 << 20) / max(rows, 1)))
        compute.workspaces.prepare(workers: compute.workers(parts.count), count: rows * (parts.map(\.count).max() ?? 0))
        withStorage(reading: [x.data, w], writing: &y.data) { inputs, yb in
            let a = LeftOperand(m: outChannels, k: rows, a: inputs[1], lda: rows, precision: compute.precision)
            compute.forEach(parts.count) { item, worker in
                let part = parts[item], columns = compute.workspaces.pointer(worker)
                gather(inputs[0], g, positions: positions[part], taps: taps, into: columns)
                fill(yb + part.lowerBound, bias.value, channels: 0..<outChannels, stride: positions.count, count: part.count)
                a.multiply(n: part.count, b: columns, ldb: part.count, beta: 1, c: yb + part.lowerBound, ldc: positions.count)
            }
        }
        return y
    }

    /// The columns of `positions` for `taps`: row (channel, tap), one column per position,
    /// zero where a tap falls outside the image (the zero padding of `forward`).
    private func gather(_ image: UnsafePointer<Float>, _ g: ConvGeometry, positions: ArraySlice<Int>, taps: [Int],
                        into columns: UnsafeMutablePointer<Float>) {
        // Where each tap reads in a channel's plane, per position (−1: outside), the same
        // for every channel.
        let sources = taps.map { tap in
            positions.map { p in
                let (iy, ix) = (p / g.outWidth * stride - padding + tap / kernel, p % g.outWidth * stride - padding + tap % kernel)
                return iy >= 0 && iy < g.height && ix >= 0 && ix < g.width ? iy * g.width + ix : -1
            }
        }
        var out = columns
        for i in 0..<inChannels {
            let plane = image + i * g.height * g.width
            for tapSources in sources {
                for (j, source) in tapSources.enumerated() { out[j] = source >= 0 ? plane[source] : 0 }
                out += tapSources.count
            }
        }
    }
}
