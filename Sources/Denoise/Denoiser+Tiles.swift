import NN

extension Denoiser {
    /// The default tiling: cores of at most 768×768 pixels, each read with a margin of 64.
    public static let tileSide = 768, tileMargin = 64

    /// The denoised image of `x` (1, 3, H, W in [0, 1]), clamped to [0, 1].
    ///
    /// The image is mirrored at its right and bottom edges up to a multiple of the U's
    /// granularity and cut into tiles of at most `tile`×`tile` pixels; each tile runs with
    /// `margin` pixels of its neighbours around it, and only its core is kept. Memory is that
    /// of one tile, whatever the image size. A margin at least the network's reach (about
    /// 60 pixels for the default architecture) makes the output equal, up to GEMM rounding,
    /// to that of the whole padded image in one piece.
    public func denoise(_ x: Tensor, tile: Int = Denoiser.tileSide, margin: Int = Denoiser.tileMargin) -> Tensor {
        precondition(x.n == 1 && x.c == 3, "denoise takes one RGB image")
        let g = architecture.granularity
        let margin = roundUp(margin, g)
        var out = Tensor(zerosLike: x)
        for rows in cores(x.h, tile: tile, granularity: g) {
            for cols in cores(x.w, tile: tile, granularity: g) {
                let (top, left) = (max(0, rows.lowerBound - margin), max(0, cols.lowerBound - margin))
                let bottom = min(roundUp(x.h, g), roundUp(rows.upperBound, g) + margin)
                let right = min(roundUp(x.w, g), roundUp(cols.upperBound, g) + margin)
                let y = network.infer(x.window(y: top, x: left, height: bottom - top, width: right - left))
                out.paste(y, from: (rows.lowerBound - top, cols.lowerBound - left),
                          height: rows.count, width: cols.count, to: (rows.lowerBound, cols.lowerBound))
            }
        }
        return out.map { min(max($0, 0), 1) }
    }
}

/// 0..<length cut into the fewest runs of at most about `tile` that start at multiples of
/// `granularity`.
func cores(_ length: Int, tile: Int, granularity: Int) -> [Range<Int>] {
    let count = (length + tile - 1) / tile
    let side = roundUp((length + count - 1) / count, granularity)
    return stride(from: 0, to: length, by: side).map { $0..<min($0 + side, length) }
}

func roundUp(_ value: Int, _ multiple: Int) -> Int { (value + multiple - 1) / multiple * multiple }
