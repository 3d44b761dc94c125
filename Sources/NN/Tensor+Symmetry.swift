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

    /// The symmetry that undoes this one: flips alone undo themselves; after a transpose, the
    /// row flip acts on what were columns, so the two flips trade places.
    public var inverse: Symmetry {
        transpose ? Symmetry(flipRows: flipColumns, flipColumns: flipRows, transpose: true) : self
    }
}

extension Tensor {
    /// Every plane with `s` applied (H and W swap places when it transposes).
    public func applying(_ s: Symmetry) -> Tensor {
        var out = s.transpose ? Tensor(n: n, c: c, h: w, w: h) : Tensor(zerosLike: self)
        let (plane, planes) = (planeSize, n * c)
        data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    let a = s.flipRows ? h - 1 - y : y
                    for x in 0..<w {
                        let b = s.flipColumns ? w - 1 - x : x
                        let (from, to) = (y * w + x, s.transpose ? b * h + a : a * w + b)
                        for k in 0..<planes { dst[k * plane + to] = src[k * plane + from] }
                    }
                }
            }
        }
        return out
    }

    /// Undoes `s`: `x.applying(s).undoing(s)` is `x`.
    public func undoing(_ s: Symmetry) -> Tensor { applying(s.inverse) }
}
