import XCTest
@testable import NN
import GradientChecking

/// The six-loop convolution, the oracle for im2col + GEMM. weight: (C_out, C_in, K, K).
func naiveConv(_ x: Tensor, weight: [Float], bias: [Float], outChannels: Int, kernel: Int,
               stride: Int, padding: Int) -> Tensor {
    let oh = (x.h + 2 * padding - kernel) / stride + 1, ow = (x.w + 2 * padding - kernel) / stride + 1
    var y = Tensor(n: x.n, c: outChannels, h: oh, w: ow)
    for n in 0..<x.n { for o in 0..<outChannels { for oy in 0..<oh { for ox in 0..<ow {
        var s = bias[o]
        for c in 0..<x.c { for ky in 0..<kernel { for kx in 0..<kernel {
            let iy = oy * stride - padding + ky, ix = ox * stride - padding + kx
            guard iy >= 0, iy < x.h, ix >= 0, ix < x.w else { continue }
            s += weight[((o * x.c + c) * kernel + ky) * kernel + kx] * x.data[((n * x.c + c) * x.h + iy) * x.w + ix]
        } } }
        y.data[((n * outChannels + o) * oh + oy) * ow + ox] = s
    } } } }
    return y
}

/// The scatter form of a transposed convolution, the oracle. weight: (C_in, C_out, K, K).
func naiveConvTranspose(_ x: Tensor, weight: [Float], bias: [Float], outChannels: Int,
                        kernel: Int, stride: Int, padding: Int, outputPadding: Int) -> Tensor {
    let oh = (x.h - 1) * stride - 2 * padding + kernel + outputPadding
    let ow = (x.w - 1) * stride - 2 * padding + kernel + outputPadding
    var y = Tensor(n: x.n, c: outChannels, h: oh, w: ow)
    for n in 0..<x.n { for o in 0..<outChannels { for p in 0..<oh * ow { y.data[(n * outChannels + o) * oh * ow + p] = bias[o] } } }
    for n in 0..<x.n { for c in 0..<x.c { for iy in 0..<x.h { for ix in 0..<x.w {
        let v = x.data[((n * x.c + c) * x.h + iy) * x.w + ix]
        for o in 0..<outChannels { for ky in 0..<kernel { for kx in 0..<kernel {
            let oy = iy * stride - padding + ky, ox = ix * stride - padding + kx
            guard oy >= 0, oy < oh, ox >= 0, ox < ow else { continue }
            y.data[((n * outChannels + o) * oh + oy) * ow + ox] += v * weight[((c * outChannels + o) * kernel + ky) * kernel + kx]
        } } }
    } } } }
    return y
}

final class ConvolutionTests: XCTestCase {
    let sweep: [(k: Int, s: Int, p: Int, h: Int, w: Int)] = [
        (1, 1, 0, 5, 4), (3, 1, 1, 7, 6), (3, 2, 1, 9, 8), (5, 2, 2, 11, 7), (5, 2, 2, 16, 16),
        (4, 3, 0, 10, 13), (2, 2, 0, 6, 6), (5, 1, 0, 5, 9),
        // Rows of 16 outputs and more take the AVX-512 paths of aeic_gather / aeic_scatter_add.
        (5, 2, 2, 5, 75), (3, 1, 1, 4, 37),
        // A kernel wider than the image: some taps meet no column at all.
        (5, 1, 2, 1, 1), (5, 1, 2, 2, 1), (5, 1, 2, 1, 3),
    ]

    /// The columns im2col copies without a bounds test are exactly those inside the image.
    func testInsideColumnsMatchBruteForce() {
        for width in 1...9 { for kernel in 1...5 { for stride in 1...3 { for padding in 0...4 {
            guard width + 2 * padding >= kernel else { continue }
            let g = ConvGeometry(channels: 1, height: 1, width: width, kernel: kernel, stride: stride, padding: padding)
            for kx in 0..<kernel {
                let expected = (0..<g.outWidth).filter { (0..<width).contains(kx - padding + $0 * stride) }
                let inside = g.insideColumns(kx: kx)
                XCTAssertEqual(Array(inside), expected, "w\(width) k\(kernel) s\(stride) p\(padding) kx\(kx)")
                XCTAssertTrue(inside.lowerBound >= 0 && inside.upperBound <= g.outWidth, "within the row")
            }
        } } } }
    }

    func testConv2DMatchesNaiveOracle() {
        for (i, g) in sweep.enumerated() { for n in [1, 2] {
            var rng = SplitMix64(seed: UInt64(i))
            let conv = Conv2D("c", in: 3, out: 4, kernel: g.k, stride: g.s, padding: g.p, rng: &rng)
            conv.bias.value = (0..<4).map { Float($0) * 0.1 }
            let x = randomTensor(n: n, c: 3, h: g.h, w: g.w, seed: UInt64(100 + i))
            let fast = conv.forward(x)
            let slow = naiveConv(x, weight: conv.weight.value, bias: conv.bias.value, outChannels: 4,
                                 kernel: g.k, stride: g.s, padding: g.p)
            XCTAssertEqual(fast.shape, slow.shape, "case \(g)")
            for k in 0..<fast.count { XCTAssertEqual(fast.data[k], slow.data[k], accuracy: 1e-4, "case \(g)") }
        } }
    }

    /// At chosen positions with chosen taps, a convolution is the whole convolution with the
    /// other taps' weights at zero, read at those positions: also when the positions take
    /// several parts of the workspace (64 channels × 12 taps × 1,600 positions), and at
    /// stride 2 with padding 1.
    func testConv2DAtPositionsMatchesNaiveOracle() {
        for (channels, size, stride, padding) in [(64, 40, 1, 2), (3, 11, 2, 1)] { for workers in [1, 2] {
            var rng = SplitMix64(seed: UInt64(channels))
            let conv = Conv2D("c", in: channels, out: 4, kernel: 5, stride: stride, padding: padding, rng: &rng)
            conv.bias.value = (0..<4).map { Float($0) * 0.1 }
            conv.configure(Compute(workers: workers))
            let x = randomTensor(n: 1, c: channels, h: size, w: size, seed: 3)
            let taps = (0..<25).filter { ($0 / 5 + $0 % 5) % 2 == 1 }
            var masked = conv.weight.value
            for k in masked.indices where !taps.contains(k % 25) { masked[k] = 0 }
            let slow = naiveConv(x, weight: masked, bias: conv.bias.value, outChannels: 4, kernel: 5, stride: stride, padding: padding)
            let positions = (0..<(slow.h * slow.w)).filter { $0 % 3 != 1 }
            let fast = conv.infer(x, at: positions, taps: taps)
            XCTAssertEqual(fast.shape, [1, 4, 1, positions.count])
            for o in 0..<4 { for (j, p) in positions.enumerated() {
                XCTAssertEqual(fast.data[o * positions.count + j], slow.data[o * slow.h * slow.w + p], accuracy: 1e-4)
            } }
        } }
    }

    /// In bfloat16 the stride-2 convolutions whose rows hold a multiple of 16 outputs pack
    /// their columns straight from the image; banded, over a batch, they still compute the
    /// convolution (to bfloat16's rounding).
    func testBFloat16Conv2DMatchesNaiveOracle() throws {
        guard BLASRuntime.bfloat16Supported else { throw XCTSkip("this CPU has no AVX512_BF16") }
        var rng = SplitMix64(seed: 8)
        let conv = Conv2D("c", in: 6, out: 5, kernel: 5, stride: 2, padding: 2, rng: &rng)
        conv.bias.value = (0..<5).map { Float($0) * 0.1 - 0.2 }
        let x = randomTensor(n: 2, c: 6, h: 41, w: 64, seed: 12)
        conv.configure(Compute(precision: .bfloat16))
        let fast = conv.forward(x)
        let slow = naiveConv(x, weight: conv.weight.value, bias: conv.bias.value, outChannels: 5,
                             kernel: 5, stride: 2, padding: 2)
        XCTAssertEqual(fast.shape, slow.shape)
        let error = zip(fast.data, slow.data).map { abs($0 - $1) }.max()!
        XCTAssertLessThan(error, 2e-2)
        XCTAssertGreaterThan(error, 0, "the products were not rounded to bfloat16")
    }

    func testConvTransposeMatchesNaiveOracle() {
        for (i, g) in sweep.enumerated() where g.s > 1 || g.k > 1 { for n in [1, 2] {
            var rng = SplitMix64(seed: UInt64(i))
            let op = g.s - 1
            let deconv = ConvTranspose2D("d", in: 3, out: 2, kernel: g.k, stride: g.s, padding: g.p,
                                         outputPadding: op, rng: &rng)
            deconv.bias.value = [0.3, -0.2]
            let x = randomTensor(n: n, c: 3, h: g.h / 2 + 1, w: g.w / 2 + 1, seed: UInt64(200 + i))
            let fast = deconv.forward(x)
            let slow = naiveConvTranspose(x, weight: deconv.weight.value, bias: deconv.bias.value,
                                          outChannels: 2, kernel: g.k, stride: g.s, padding: g.p,
                                          outputPadding: op)
            XCTAssertEqual(fast.shape, slow.shape, "case \(g)")
            for k in 0..<fast.count { XCTAssertEqual(fast.data[k], slow.data[k], accuracy: 1e-4, "case \(g)") }
        } }
    }

    /// col2im against one addition at a time in the order (channel, ky, kx, row, column):
    /// equal to the bit, for stride 2 with odd and even kernels (taps added in pairs), rows
    /// around the 16-wide vectors, a band in the middle and a kernel wider than the image.
    func testCol2imMatchesTheScalarOrder() {
        for (k, p, h, w) in [(5, 2, 9, 75), (4, 1, 6, 33), (2, 0, 5, 32), (3, 1, 4, 17), (5, 2, 3, 1), (5, 2, 1, 2)] {
            let g = ConvGeometry(channels: 2, height: h, width: w, kernel: k, stride: 2, padding: p)
            let rows = g.outHeight > 2 ? 1..<(g.outHeight - 1) : 0..<g.outHeight
            let cols = rows.count * g.outWidth
            let col = randomTensor(n: 1, c: 1, h: g.colRows, w: cols, seed: UInt64(k * 100 + w)).data
            let start = randomTensor(n: 1, c: 2, h: h, w: w, seed: 7).data
            var fast = start, slow = start
            fast.withUnsafeMutableBufferPointer { col2im(col, g, rows: rows, $0.baseAddress!) }
            for c in 0..<2 { for ky in 0..<k { for kx in 0..<k { for (r, oy) in rows.enumerated() { for j in 0..<g.outWidth {
                let (iy, ix) = (oy * 2 - p + ky, j * 2 - p + kx)
                guard (0..<h).contains(iy) && (0..<w).contains(ix) else { continue }
                slow[(c * h + iy) * w + ix] += col[((c * k + ky) * k + kx) * cols + r * g.outWidth + j]
            } } } } }
            XCTAssertEqual(fast, slow, "k\(k) p\(p) \(h)x\(w)")
        }
    }

    func testBandedIm2colMatchesWhole() {
        let g = ConvGeometry(channels: 2, height: 13, width: 9, kernel: 5, stride: 2, padding: 2)
        let x = randomTensor(n: 1, c: 2, h: 13, w: 9, seed: 3)
        var whole = [Float](repeating: 0, count: g.colRows * g.outHeight * g.outWidth)
        x.data.withUnsafeBufferPointer { im2col($0.baseAddress!, g, rows: 0..<g.outHeight, &whole) }
        var banded: [Float] = []
        for rows in bands(g.outHeight, 2) {
            var col = [Float](repeating: 0, count: g.colRows * rows.count * g.outWidth)
            x.data.withUnsafeBufferPointer { im2col($0.baseAddress!, g, rows: rows, &col) }
            banded.append(contentsOf: col)
        }
        // Banded columns are grouped band by band; compare each tap row's pieces.
        let perRow = g.outWidth
        var offset = 0
        for rows in bands(g.outHeight, 2) {
            for r in 0..<g.colRows {
                let a = Array(whole[(r * g.outHeight + rows.lowerBound) * perRow..<(r * g.outHeight + rows.upperBound) * perRow])
                let b = Array(banded[offset + r * rows.count * perRow..<offset + (r + 1) * rows.count * perRow])
                XCTAssertEqual(a, b)
            }
            offset += g.colRows * rows.count * perRow
        }
    }

    func testConv2DGradients() {
        var rng = SplitMix64(seed: 1)
        for (k, s, p) in [(3, 1, 1), (5, 2, 2), (4, 3, 1)] {
            let conv = Conv2D("c", in: 2, out: 3, kernel: k, stride: s, padding: p, rng: &rng)
            GradientChecker().check(conv, input: randomTensor(n: 2, c: 2, h: 7, w: 6, seed: 9))
        }
    }

    func testConvTransposeGradients() {
        var rng = SplitMix64(seed: 2)
        for (k, s, p) in [(3, 1, 1), (5, 2, 2), (4, 2, 1)] {
            let deconv = ConvTranspose2D("d", in: 3, out: 2, kernel: k, stride: s, padding: p, rng: &rng)
            GradientChecker().check(deconv, input: randomTensor(n: 2, c: 3, h: 4, w: 5, seed: 10))
        }
    }

    /// A frozen layer's backward (convolution, transposed convolution, GDN) returns the same dL/dx and leaves its gradients alone.
    func testFrozenLayersSkipOnlyTheirOwnGradients() {
        var rng = SplitMix64(seed: 4)
        let layers: [Layer] = [Conv2D("c", in: 3, out: 4, kernel: 5, stride: 2, rng: &rng),
                               ConvTranspose2D("d", in: 3, out: 4, kernel: 5, stride: 2, rng: &rng),
                               GDN("g", channels: 3)]
        for layer in layers {
            let x = randomTensor(n: 2, c: 3, h: 9, w: 7, seed: 11)
            let y = layer.forward(x)
            let dy = randomTensor(n: y.n, c: y.c, h: y.h, w: y.w, seed: 12)
            let dx = layer.backward(dy)
            layer.parameters.forEach { $0.zeroGrad(); $0.frozen = true }
            _ = layer.forward(x)
            XCTAssertEqual(layer.backward(dy).data, dx.data)
            XCTAssertTrue(layer.parameters.allSatisfy { $0.grad.allSatisfy { $0 == 0 } })
        }
    }
}

