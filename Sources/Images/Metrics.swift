import Foundation

/// Image quality measures, on samples rounded to 8 bits as the files hold them.
public enum Metrics {
    /// PSNR in dB over all colour samples of two images of the same size (RGB for
    /// CompressAI's "psnr-rgb"); infinity when they are identical.
    public static func psnr(_ a: Image, _ b: Image) -> Double {
        let mse = meanSquaredError(a, b)
        return mse == 0 ? .infinity : 10 * log10(1 / mse)
    }

    public static func meanSquaredError(_ a: Image, _ b: Image) -> Double {
        precondition(a.width == b.width && a.height == b.height && a.channels == b.channels,
                     "images differ in size")
        let qa = a.interleaved(maximum: 255, withAlpha: false)
        let qb = b.interleaved(maximum: 255, withAlpha: false)
        var sum = 0.0
        for i in qa.indices {
            let d = Double(Int(qa[i]) - Int(qb[i])) / 255
            sum += d * d
        }
        return sum / Double(qa.count)
    }
}
