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
        var out = Tensor(n: 1, c: outChannels, h: outScale * grid.h, w: outScale * grid.w)
        for t in Tile.grid(grid, tile: tile, margin: margin, granularity: granularity) {
            let w = t.window
            let y = f(window(y: inScale * w.rows.lowerBound, x: inScale * w.cols.lowerBound, height: inScale * w.rows.count,
                             width: inScale * w.cols.count, edge: edge))
            out.paste(y, from: (outScale * (t.core.rows.lowerBound - w.rows.lowerBound), outScale * (t.core.cols.lowerBound - w.cols.lowerBound)),
                      height: outScale * t.core.rows.count, width: outScale * t.core.cols.count,
                      to: (outScale * t.core.rows.lowerBound, outScale * t.core.cols.lowerBound))
        }
        return out
    }
}

/// One tile of a grid: the core it computes and the window, with margins, it reads.
public struct Tile: Sendable {
    public var core: (rows: Range<Int>, cols: Range<Int>)
    public var window: (rows: Range<Int>, cols: Range<Int>)

    /// The tiles of `grid` (see `Tensor.tiled`), row by row.
    public static func grid(_ grid: (h: Int, w: Int), tile: Int, margin: Int, granularity: Int = 1) -> [Tile] {
        let limit = (h: roundUp(grid.h, granularity), w: roundUp(grid.w, granularity))
        let widen = { (core: Range<Int>, limit: Int) in
            max(0, core.lowerBound - margin)..<min(limit, roundUp(core.upperBound, granularity) + margin)
        }
        return cores(grid.h, tile: tile, granularity: granularity).flatMap { rows in
            cores(grid.w, tile: tile, granularity: granularity).map { cols in
                Tile(core: (rows, cols), window: (widen(rows, limit.h), widen(cols, limit.w)))
            }
        }
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
