/// One of the eight symmetries of the square (the dihedral group D4): the image flipped
/// vertically and/or horizontally, then transposed or not. Geometric self-ensembles (Timofte
/// et al. 2016; Lim et al. 2017) average a network's outputs over all eight.
public struct Symmetry: Hashable, Sendable {
    public var flipRows: Bool, flipColumns: Bool, transpose: Bool

    public init(flipRows: Bool, flipColumns: Bool, transpose: Bool) {
        (self.flipRows, self.flipColumns, self.transpose) = (flipRows, flipColumns, transpose)
    }

    /// All eight, the identity first.
    public static let all: [Symmetry] = (0..<8).map {
        Symmetry(flipRows: $0 & 1 != 0, flipColumns: $0 & 2 != 0, transpose: $0 & 4 != 0)
    }

    /// Calls `body(p, q)` for every pixel of an h×w plane: `p` its index there, `q` its index
    /// in the plane once this symmetry is applied.
    func forEachPixel(h: Int, w: Int, _ body: (Int, Int) -> Void) {
        for y in 0..<h {
            let a = flipRows ? h - 1 - y : y
            for x in 0..<w {
                let b = flipColumns ? w - 1 - x : x
                body(y * w + x, transpose ? b * h + a : a * w + b)
            }
        }
    }
}

extension Tensor {
    /// Every plane with `s` applied (H and W swap places when it transposes).
    public func applying(_ s: Symmetry) -> Tensor {
        var out = s.transpose ? Tensor(n: n, c: c, h: w, w: h) : Tensor(zerosLike: self)
        permute(into: &out, planeShape: (h, w), s) { p, q in (p, q) }
        return out
    }

    /// Undoes `s`: `x.applying(s).undoing(s)` is `x`.
    public func undoing(_ s: Symmetry) -> Tensor {
        var out = s.transpose ? Tensor(n: n, c: c, h: w, w: h) : Tensor(zerosLike: self)
        permute(into: &out, planeShape: (out.h, out.w), s) { p, q in (q, p) }
        return out
    }

    /// Copies sample `from` of each of this tensor's planes to sample `to` of `out`'s, for
    /// every (from, to) that `order` makes of `s`'s pixel pairs on a plane of `planeShape`.
    private func permute(into out: inout Tensor, planeShape: (h: Int, w: Int), _ s: Symmetry,
                         _ order: (Int, Int) -> (from: Int, to: Int)) {
        let plane = planeSize
        data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                s.forEachPixel(h: planeShape.h, w: planeShape.w) { p, q in
                    let (from, to) = order(p, q)
                    for k in 0..<(n * c) { dst[k * plane + to] = src[k * plane + from] }
                }
            }
        }
    }
}
