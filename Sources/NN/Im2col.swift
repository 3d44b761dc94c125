import CKernels

/// The geometry shared by a convolution and its transpose: an image side (C, H, W) and a
/// grid of kernel positions (outH, outW), related by kernel, stride and zero padding.
///
/// im2col lays out, for every grid position, the C·K·K samples under the kernel: a matrix of
/// shape (C·K·K, outH·outW) (Chellapilla et al. 2006; Caffe's `im2col_cpu`). col2im is its
/// adjoint: it adds each column back onto the samples it came from.
public struct ConvGeometry: Equatable, Sendable {
    public let channels: Int, height: Int, width: Int
    public let kernel: Int, stride: Int, padding: Int
    public let outHeight: Int, outWidth: Int

    public init(channels: Int, height: Int, width: Int, kernel: Int, stride: Int, padding: Int,
                outHeight: Int? = nil, outWidth: Int? = nil) {
        precondition(kernel > 0 && stride > 0 && padding >= 0, "bad convolution geometry")
        (self.channels, self.height, self.width) = (channels, height, width)
        (self.kernel, self.stride, self.padding) = (kernel, stride, padding)
        self.outHeight = outHeight ?? (height + 2 * padding - kernel) / stride + 1
        self.outWidth = outWidth ?? (width + 2 * padding - kernel) / stride + 1
        precondition(self.outHeight > 0 && self.outWidth > 0, "convolution output is empty")
    }

    /// Rows of the column matrix, C·K·K.
    public var colRows: Int { channels * kernel * kernel }

    /// The grid columns whose tap at kernel column `kx` lands inside the image (not in the
    /// padding), so that the copying loops need no per-sample test.
    func insideColumns(kx: Int) -> Range<Int> {
        let ix0 = kx - padding
        // A kernel wider than the padded input can leave no column inside: the range is then
        // empty, and must still lie within the output row.
        let first = min(ix0 >= 0 ? 0 : (-ix0 + stride - 1) / stride, outWidth)
        let last = width - 1 - ix0 < 0 ? -1 : (width - 1 - ix0) / stride
        return first..<max(first, min(outWidth, last + 1))
    }

    /// Grid rows per band so that a band of the column matrix, plus `outputRows` values per
    /// grid point that the GEMM writes, stays within `budget` floats (4 MiB by default: small
    /// enough to stay in cache between one pass and the next; 32 MiB bands made training at
    /// 256² 20% slower).
    public func bandRows(outputRows: Int = 0, budget: Int = 1 << 20) -> Int {
        max(1, min(outHeight, budget / max(1, (colRows + outputRows) * outWidth)))
    }

    /// The backward passes' band budget (2 MiB): their bands are re-read by a second GEMM and
    /// col2im. In a bfloat16 training step, 2 MiB bands ran about 3% faster than 4 MiB ones
    /// and 8 MiB ones 6% slower (`aeic bench train --precision bfloat16`, alternating runs).
    public static let backwardBudget = 1 << 19
}

/// Fills `col` (C·K·K, (rows.count)·outW) with the samples of `image` (C, H, W) under the
/// kernel for grid rows `rows`; taps that fall in the padding read as zero.
public func im2col(_ image: UnsafePointer<Float>, _ g: ConvGeometry, rows: Range<Int>,
                   _ col: UnsafeMutablePointer<Float>) {
    let ow = g.outWidth, cols = rows.count * ow
    for c in 0..<g.channels {
        let plane = image + c * g.height * g.width
        for ky in 0..<g.kernel {
            for kx in 0..<g.kernel {
                var dst = col + ((c * g.kernel + ky) * g.kernel + kx) * cols
                let inside = g.insideColumns(kx: kx)
                for oy in rows {
                    let iy = oy * g.stride - g.padding + ky
                    if iy < 0 || iy >= g.height {
                        dst.update(repeating: 0, count: ow)
                    } else {
                        copyRow(plane + iy * g.width, g, kx: kx, inside: inside, dst)
                    }
                    dst += ow
                }
            }
        }
    }
}

@inline(__always)
private func copyRow(_ src: UnsafePointer<Float>, _ g: ConvGeometry, kx: Int, inside: Range<Int>,
                     _ dst: UnsafeMutablePointer<Float>) {
    dst.update(repeating: 0, count: inside.lowerBound)
    (dst + inside.upperBound).update(repeating: 0, count: g.outWidth - inside.upperBound)
    let ix0 = kx - g.padding
    if g.stride == 1 {
        (dst + inside.lowerBound).update(from: src + ix0 + inside.lowerBound, count: inside.count)
    } else {
        aeic_gather(src + ix0 + inside.lowerBound * g.stride, g.stride, dst + inside.lowerBound, inside.count)
    }
}

/// Adds `col` (C·K·K, (rows.count)·outW) back onto `image` (C, H, W): the adjoint of
/// `im2col` for the same rows. `image` is accumulated into, not overwritten.
public func col2im(_ col: UnsafePointer<Float>, _ g: ConvGeometry, rows: Range<Int>,
                   _ image: UnsafeMutablePointer<Float>) {
    let ow = g.outWidth, cols = rows.count * ow
    for c in 0..<g.channels {
        let plane = image + c * g.height * g.width
        for ky in 0..<g.kernel {
            let tap = { (kx: Int) in col + ((c * g.kernel + ky) * g.kernel + kx) * cols }
            var kx = 0
            while kx < g.kernel {
                // At stride 2, taps kx and kx + 1 fill alternate pixels of a row: one pass adds
                // both. Each pixel still receives its sums in the same order (ky, then kx).
                let paired = g.stride == 2 && kx + 1 < g.kernel
                let (a, inside) = (tap(kx), g.insideColumns(kx: kx))
                let (b, insideB) = paired ? (tap(kx + 1), g.insideColumns(kx: kx + 1)) : (a, inside)
                for (r, oy) in rows.enumerated() {
                    let iy = oy * g.stride - g.padding + ky
                    guard iy >= 0 && iy < g.height else { continue }
                    let row = plane + iy * g.width
                    if paired { addTaps(a + r * ow, inside, b + r * ow, insideB, g, kx: kx, row) }
                    else { addTap(a + r * ow, g, kx: kx, columns: inside, row) }
                }
                kx += paired ? 2 : 1
            }
        }
    }
}

/// row[kx − padding + stride·j] += src[j] for j in `columns`.
@inline(__always)
private func addTap(_ src: UnsafePointer<Float>, _ g: ConvGeometry, kx: Int, columns: Range<Int>,
                    _ row: UnsafeMutablePointer<Float>) {
    guard !columns.isEmpty else { return }
    aeic_scatter_add(src + columns.lowerBound, row + (kx - g.padding + columns.lowerBound * g.stride), g.stride, columns.count)
}

/// `addTap` of taps kx (`a`, its columns inside the image `insideA`) and kx + 1 (`b`,
/// `insideB`) at stride 2: one interleaved pass over the columns inside for both, then each
/// tap's own edge columns.
private func addTaps(_ a: UnsafePointer<Float>, _ insideA: Range<Int>, _ b: UnsafePointer<Float>, _ insideB: Range<Int>,
                     _ g: ConvGeometry, kx: Int, _ row: UnsafeMutablePointer<Float>) {
    let (low, high) = (max(insideA.lowerBound, insideB.lowerBound), min(insideA.upperBound, insideB.upperBound))
    guard low < high else {
        addTap(a, g, kx: kx, columns: insideA, row)
        addTap(b, g, kx: kx + 1, columns: insideB, row)
        return
    }
    aeic_scatter_add2_pair(a + low, b + low, row + (kx - g.padding + 2 * low), high - low)
    func edges(_ src: UnsafePointer<Float>, tap: Int, inside: Range<Int>) {
        addTap(src, g, kx: tap, columns: inside.lowerBound..<low, row)
        addTap(src, g, kx: tap, columns: high..<inside.upperBound, row)
    }
    edges(a, tap: kx, inside: insideA)
    edges(b, tap: kx + 1, inside: insideB)
}
