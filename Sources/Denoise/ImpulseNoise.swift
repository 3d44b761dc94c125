import NN

/// Noise that replaces whole pixels and leaves the others exactly as they were: masking sets
/// a pixel to black, salt-and-pepper to black or white. Only such pixels can be the noise's,
/// so a denoiser may keep every other pixel and replace only these candidates.
public enum ImpulseNoise: Sendable {
    case masking, saltPepper

    /// For each pixel of `x` (1, C, H, W in [0, 1]), whether the noise may have set it.
    public func candidates(_ x: Tensor) -> [Bool] {
        precondition(x.n == 1, "one image")
        return ImpulseNoise.hint(x, for: [self]).data.map { $0 == 1 }
    }

    /// For each image of `x` (N, C, H, W in [0, 1]), a plane that is 1 where that image's
    /// impulse noise may have set a pixel and 0 elsewhere: black in every channel under
    /// masking; black or white under salt-and-pepper, and also with none (nil), where it tells
    /// the network where the photo is clipped. With `white`, a second plane marks the white
    /// ones among them under salt-and-pepper alone. The denoiser reads the planes (N, 1 or 2,
    /// H, W) beside the pixels: its convolutions cannot tell exactly 0 from nearly 0, and so
    /// cannot find these pixels themselves. The white plane tells salt from a clipped
    /// highlight, which the first plane marks alike, and from it a convolution can cancel,
    /// linearly, what a white candidate adds where a black one adds nothing. Under masking,
    /// white pixels are the photo's own: marked, a blown-out sky would look to the network like
    /// a region with nothing observed in it.
    public static func hint(_ x: Tensor, for impulses: [ImpulseNoise?], white: Bool = false) -> Tensor {
        precondition(impulses.count == x.n, "one noise per image")
        var out = Tensor(n: x.n, c: white ? 2 : 1, h: x.h, w: x.w)
        x.data.withUnsafeBufferPointer { samples in
            for (i, noise) in impulses.enumerated() {
                let whiteToo = noise != .masking
                for p in 0..<x.planeSize {
                    let first = samples[i * x.imageSize + p]
                    if first == 0 || (whiteToo && first == 1),
                       (1..<x.c).allSatisfy({ samples[i * x.imageSize + $0 * x.planeSize + p] == first }) {
                        out.data[i * out.imageSize + p] = 1
                        if white && noise == .saltPepper && first == 1 { out.data[i * out.imageSize + x.planeSize + p] = 1 }
                    }
                }
            }
        }
        return out
    }
}

extension ImpulseNoise {
    /// The share of black (white) pixels beside a bright (dark) one above which an image is
    /// taken to carry that impulse: the mixture's lowest level, 5%, puts 2.5% of each colour
    /// there under salt-and-pepper noise, and clean or Gaussian-noisy photos stay well under
    /// 1% (at most 0.3% on the validation photos, σ 0–50).
    static let detectionThreshold = 0.01

    /// Which impulse noise `x` (1, C, H, W in [0, 1]) carries, if any: masking if black pixels
    /// are common beside bright ones, salt-and-pepper if white ones are also common beside dark
    /// ones. Clean photos have black and white pixels too, but in shadows and highlights, not
    /// scattered over every tone as pixel-wise noise is.
    public static func detect(_ x: Tensor) -> ImpulseNoise? {
        let candidates = ImpulseNoise.saltPepper.candidates(x)
        var (black, bright, white, dark) = (0, 0, 0, 0)
        for y in 0..<x.h {
            for i in 1..<max(x.w, 1) where !candidates[y * x.w + i - 1] {
                let p = y * x.w + i
                let isBright = (0..<x.c).reduce(Float(0)) { $0 + x.data[$1 * x.planeSize + p - 1] } >= 0.5 * Float(x.c)
                let value = candidates[p] ? x.data[p] : -1
                if isBright { bright += 1; if value == 0 { black += 1 } }
                else { dark += 1; if value == 1 { white += 1 } }
            }
        }
        func common(_ count: Int, _ of: Int) -> Bool { Double(count) > detectionThreshold * Double(max(of, 1)) }
        guard common(black, bright) else { return nil }
        return common(white, dark) ? .saltPepper : .masking
    }

    /// How far around a candidate `unobserved` looks: a 5×5 window.
    static let reach = 2

    /// The candidates with no other pixel in the window around them, each with the value most
    /// of the window holds (all black or white: 0 or 1). There the network has nothing to go
    /// on (a black border under salt-and-pepper noise reads as noise on any colour), and the
    /// majority is the best guess; in a photo's interior this happens to one pixel in a
    /// hundred million at 50% noise.
    public static func unobserved(_ x: Tensor, candidates: [Bool]) -> [(pixel: Int, value: Float)] {
        precondition(x.n == 1 && candidates.count == x.planeSize, "one image and its candidates")
        let (h, w) = (x.h, x.w)
        // Per row, how many pixels of the window's width are not candidates, and how many are white.
        var others = [UInt8](repeating: 0, count: h * w), whites = others
        for y in 0..<h {
            for i in 0..<w {
                for j in max(i - reach, 0)...min(i + reach, w - 1) {
                    let p = y * w + j
                    if !candidates[p] { others[y * w + i] += 1 } else if x.data[p] == 1 { whites[y * w + i] += 1 }
                }
            }
        }
        var found: [(pixel: Int, value: Float)] = []
        for y in 0..<h {
            for i in 0..<w where candidates[y * w + i] {
                let rows = max(y - reach, 0)...min(y + reach, h - 1)
                guard rows.allSatisfy({ others[$0 * w + i] == 0 }) else { continue }
                let white = rows.reduce(0) { $0 + Int(whites[$1 * w + i]) }
                let size = rows.count * (min(i + reach, w - 1) - max(i - reach, 0) + 1)
                found.append((y * w + i, 2 * white > size ? 1 : 0))
            }
        }
        return found
    }
}
