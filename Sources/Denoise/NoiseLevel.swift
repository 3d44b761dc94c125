import NN

/// A blind estimate of the Gaussian noise in an 8-bit photo, σ in 0–255 units.
///
/// The second difference a − 2b + c of three neighbouring samples cancels any linear ramp, so
/// on noise alone its variance is 6σ². Averaged over 16×16 blocks (rows and columns, every
/// channel), it measures σ in smooth blocks and more in textured ones; the smoothest tenth of
/// the blocks gives the estimate. Samples at 0 or 255 are left out: clipping shrinks the noise
/// there, and masking or salt-and-pepper noise sets them (so those noises read as clean).
public enum NoiseLevel {
    static let block = 16
    /// Second differences a block needs to count.
    static let minimumCount = 16
    /// Which of the sorted block variances is taken.
    static let percentile: Float = 0.1

    /// The estimate for `x` (1, C, H, W on the 8-bit levels in [0, 1]), or nil when no block
    /// has enough usable samples (a tiny or nearly black-and-white image).
    public static func sigma(_ x: Tensor) -> Float? {
        precondition(x.n == 1, "one image")
        let (blocksAcross, blocksDown) = ((x.w + block - 1) / block, (x.h + block - 1) / block)
        var sum = [Float](repeating: 0, count: blocksAcross * blocksDown)
        var count = [Int32](repeating: 0, count: sum.count)
        x.data.withUnsafeBufferPointer { samples in
            for c in 0..<x.c {
                let plane = UnsafeBufferPointer(rebasing: samples[(c * x.planeSize)..<((c + 1) * x.planeSize)])
                for y in 0..<x.h {
                    for i in 0..<x.w {
                        let centre = y * x.w + i
                        let b = (y / block) * blocksAcross + i / block
                        // A row's triple and a column's, each centred on (y, i).
                        if i > 0 && i < x.w - 1, let d = secondDifference(plane[centre - 1], plane[centre], plane[centre + 1]) {
                            sum[b] += d * d; count[b] += 1
                        }
                        if y > 0 && y < x.h - 1, let d = secondDifference(plane[centre - x.w], plane[centre], plane[centre + x.w]) {
                            sum[b] += d * d; count[b] += 1
                        }
                    }
                }
            }
        }
        let variances = zip(sum, count).filter { $0.1 >= minimumCount }.map { $0.0 / Float($0.1) }.sorted()
        guard !variances.isEmpty else { return nil }
        return (quantile(variances, percentile) / 6).squareRoot()
    }

    /// a − 2b + c in 0–255 units, or nil if a sample is at 0 or 255.
    static func secondDifference(_ a: Float, _ b: Float, _ c: Float) -> Float? {
        guard a > 0 && a < 1 && b > 0 && b < 1 && c > 0 && c < 1 else { return nil }
        return (a - 2 * b + c) * 255
    }

    /// The `q` quantile of sorted values, interpolated between neighbours.
    static func quantile(_ sorted: [Float], _ q: Float) -> Float {
        let position = q * Float(sorted.count - 1)
        let (low, t) = (Int(position), position - position.rounded(.down))
        return low + 1 < sorted.count ? sorted[low] + t * (sorted[low + 1] - sorted[low]) : sorted[low]
    }
}
