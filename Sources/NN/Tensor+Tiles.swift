extension Tensor {
    /// `f` (a map of one image, such as a stack of convolutions) applied tile by tile, so
    /// that memory is that of one tile whatever the image's size.
    ///
    /// The work is laid on a grid of `grid` units; a unit is `inScale` samples of this tensor
    /// and `outScale` samples of `f`'s output. The grid is cut into cores of at most about
    /// `tile` units starting at multiples of `granularity`; each core is computed from a
    /// window that adds `margin` units on every side (clipped to the grid, whose size is
    /// rounded up to `granularity`; samples past this tensor's edge read as `edge` says), and
    /// only the core of `f`'s output is kept. A margin at least `f`'s reach makes the result
    /// that of the whole grid in one piece, up to GEMM rounding.
    public func tiled(outChannels: Int, grid: (h: Int, w: Int), inScale: Int = 1, outScale: Int = 1,
                      tile: Int, margin: Int, granularity: Int = 1, edge: Edge = .reflect,
                      _ f: (Tensor) -> Tensor) -> Tensor {
        precondition(n == 1, "tiles of one image")
        let limit = (h: roundUp(grid.h, granularity), w: roundUp(grid.w, granularity))
        var out = Tensor(n: 1, c: outChannels, h: outScale * grid.h, w: outScale * grid.w)
        for rows in cores(grid.h, tile: tile, granularity: granularity) {
            for cols in cores(grid.w, tile: tile, granularity: granularity) {
                let (top, left) = (max(0, rows.lowerBound - margin), max(0, cols.lowerBound - margin))
                let bottom = min(limit.h, roundUp(rows.upperBound, granularity) + margin)
                let right = min(limit.w, roundUp(cols.upperBound, granularity) + margin)
                let y = f(window(y: inScale * top, x: inScale * left, height: inScale * (bottom - top),
                                 width: inScale * (right - left), edge: edge))
                out.paste(y, from: (outScale * (rows.lowerBound - top), outScale * (cols.lowerBound - left)),
                          height: outScale * rows.count, width: outScale * cols.count,
                          to: (outScale * rows.lowerBound, outScale * cols.lowerBound))
            }
        }
        return out
    }
}

/// 0..<length cut into the fewest runs of at most about `tile` that start at multiples of
/// `granularity`.
func cores(_ length: Int, tile: Int, granularity: Int) -> [Range<Int>] {
    let count = (length + tile - 1) / tile
    let side = roundUp((length + count - 1) / count, granularity)
    return stride(from: 0, to: length, by: side).map { $0..<min($0 + side, length) }
}

public func roundUp(_ value: Int, _ multiple: Int) -> Int { (value + multiple - 1) / multiple * multiple }
