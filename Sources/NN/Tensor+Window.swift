extension Tensor {
    /// How a window reads coordinates outside the tensor.
    public enum Edge: Sendable {
        /// Mirrored about the edge sample, as numpy's "reflect" (…, 2, 1 | 0, 1, 2, …).
        case reflect
        /// The edge sample repeated, as numpy's "edge".
        case replicate

        func source(_ i: Int, _ n: Int) -> Int {
            switch self {
            case .reflect: return NN.reflect(i, n)
            case .replicate: return min(max(i, 0), n - 1)
            }
        }
    }

    /// Keeps rows 0..<height and columns 0..<width of every image and channel, moved within
    /// this tensor's own memory: a `window` would hold a second copy while it is made (1.2 GB
    /// for a decoded 100 MP photo). Each row moves to a lower address than any row it has yet
    /// to read, so a forward copy is safe.
    public mutating func crop(height: Int, width: Int) {
        precondition(height > 0 && height <= h && width > 0 && width <= w, "a crop inside the tensor")
        guard height < h || width < w else { return }
        let (planes, oldWidth, oldPlane) = (n * c, w, planeSize)
        data.withUnsafeMutableBufferPointer { p in
            for plane in 0..<planes {
                for r in 0..<height {
                    let (src, dst) = (plane * oldPlane + r * oldWidth, (plane * height + r) * width)
                    for k in 0..<width { p[dst + k] = p[src + k] }
                }
            }
        }
        data.removeLast(data.count - planes * height * width)
        (h, w) = (height, width)
    }

    /// Rows y..<y+height and columns x..<x+width of every image and channel; coordinates
    /// outside the tensor read as `edge` says, so that a window can crop, pad an image, or
    /// carry a tile's margin past the image's border.
    public func window(y: Int, x: Int, height: Int, width: Int, edge: Edge = .reflect) -> Tensor {
        precondition(height > 0 && width > 0, "empty window")
        let rows = (y..<y + height).map { edge.source($0, h) }
        let cols = (x..<x + width).map { edge.source($0, w) }
        var out = Tensor.uninitialized(n: n, c: c, h: height, w: width)
        for plane in 0..<(n * c) {
            for (r, sourceRow) in rows.enumerated() {
                let src = plane * planeSize + sourceRow * w, dst = (plane * height + r) * width
                for (k, sourceColumn) in cols.enumerated() { out.data[dst + k] = data[src + sourceColumn] }
            }
        }
        return out
    }

    /// Copies rows from.y..<from.y+height and columns from.x..<from.x+width of `source` to
    /// the same-sized region at `to` in this tensor (same N and C).
    public mutating func paste(_ source: Tensor, from: (y: Int, x: Int), height: Int, width: Int,
                               to: (y: Int, x: Int)) {
        precondition(source.n == n && source.c == c, "paste needs the same images and channels")
        precondition(from.y >= 0 && from.x >= 0 && from.y + height <= source.h && from.x + width <= source.w
                     && to.y >= 0 && to.x >= 0 && to.y + height <= h && to.x + width <= w, "paste out of bounds")
        for plane in 0..<(n * c) {
            for r in 0..<height {
                let src = plane * source.planeSize + (from.y + r) * source.w + from.x
                let dst = plane * planeSize + (to.y + r) * w + to.x
                data.replaceSubrange(dst..<dst + width, with: source.data[src..<src + width])
            }
        }
    }
}

extension Tensor {
    /// Adds `source` (the same N and C) into the same-sized region at `at`: the adjoint of
    /// `window`, for gradients of overlapping windows.
    public mutating func add(_ source: Tensor, at: (y: Int, x: Int)) {
        precondition(source.n == n && source.c == c && at.y >= 0 && at.x >= 0 && at.y + source.h <= h && at.x + source.w <= w,
                     "add out of bounds")
        for plane in 0..<(n * c) {
            for r in 0..<source.h {
                let src = plane * source.planeSize + r * source.w, dst = plane * planeSize + (at.y + r) * w + at.x
                for k in 0..<source.w { data[dst + k] += source.data[src + k] }
            }
        }
    }
}

/// `i` mirrored into 0..<n about the edge samples (…, 2, 1, 0, 1, 2, …, n−2, n−1, n−2, …).
func reflect(_ i: Int, _ n: Int) -> Int {
    guard n > 1 else { return 0 }
    let period = 2 * (n - 1)
    let m = ((i % period) + period) % period
    return m < n ? m : period - m
}
