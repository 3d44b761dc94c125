import ArgumentParser
import Foundation
import NN

/// `aeic bench nn`: the codec's layers, forward and backward, against raw sgemm on the same
/// matrix shapes in the same run.
struct BenchNN: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "nn", abstract: "Layer GFLOP/s against raw sgemm.")
    @OptionGroup var architecture: ArchitectureOptions
    @OptionGroup var precision: PrecisionOptions
    @OptionGroup var options: BenchOptions

    /// One GEMM of a layer: C (m×n) = op(A) · op(B), repeated `count` times.
    struct GEMM { var transA = false, transB = false; let m: Int, n: Int, k: Int; var count = 1 }

    struct Case {
        let name: String
        let layer: Layer
        let input: Tensor
        let forward: [GEMM]
        let backward: [GEMM]
    }

    func cases(batch: Int, height: Int, width: Int) -> [Case] {
        let (n, m) = (architecture.n, architecture.m)
        var rng = SplitMix64(seed: 3)
        func input(_ c: Int, _ h: Int, _ w: Int) -> Tensor {
            Tensor(n: batch, c: c, h: h, w: w, data: (0..<batch * c * h * w).map { _ in rng.uniform() - 0.5 })
        }
        func conv(_ name: String, _ cin: Int, _ cout: Int, _ h: Int, _ w: Int) -> Case {
            let p = (h / 2) * (w / 2), k = cin * 25
            return Case(name: name, layer: Conv2D(name, in: cin, out: cout, kernel: 5, stride: 2, rng: &rng),
                        input: input(cin, h, w),
                        forward: [GEMM(m: cout, n: p, k: k, count: batch)],
                        backward: [GEMM(transB: true, m: cout, n: k, k: p, count: batch),
                                   GEMM(transA: true, m: k, n: p, k: cout, count: batch)])
        }
        func deconv(_ name: String, _ cin: Int, _ cout: Int, _ h: Int, _ w: Int) -> Case {
            let p = h * w, k = cout * 25
            return Case(name: name, layer: ConvTranspose2D(name, in: cin, out: cout, kernel: 5, stride: 2, rng: &rng),
                        input: input(cin, h, w),
                        forward: [GEMM(transA: true, m: k, n: p, k: cin, count: batch)],
                        backward: [GEMM(m: cin, n: p, k: k, count: batch),
                                   GEMM(transB: true, m: cin, n: k, k: p, count: batch)])
        }
        func gdn(_ name: String, _ c: Int, _ h: Int, _ w: Int, inverse: Bool) -> Case {
            Case(name: name, layer: GDN(name, channels: c, inverse: inverse), input: input(c, h, w),
                 forward: [GEMM(m: c, n: h * w, k: c, count: batch)],
                 backward: [GEMM(transB: true, m: c, n: c, k: h * w, count: batch),
                            GEMM(transA: true, m: c, n: h * w, k: c, count: batch)])
        }
        let (h, w) = (height, width)
        return [
            conv("conv 3→N", 3, n, h, w), conv("conv N→N", n, n, h / 2, w / 2), conv("conv N→M", n, m, h / 8, w / 8),
            deconv("deconv M→N", m, n, h / 16, w / 16), deconv("deconv N→N", n, n, h / 4, w / 4),
            deconv("deconv N→3", n, 3, h / 2, w / 2),
            gdn("GDN N", n, h / 2, w / 2, inverse: false), gdn("IGDN N", n, h / 2, w / 2, inverse: true),
        ]
    }

    func flops(_ gemms: [GEMM]) -> Double { gemms.reduce(0) { $0 + 2 * Double($1.m * $1.n * $1.k * $1.count) } }

    /// Raw sgemm throughput on exactly these shapes, OpenBLAS using all its threads.
    func sgemmSeconds(_ gemms: [GEMM]) -> Double {
        let buffers = gemms.map { g -> ([Float], [Float], [Float]) in
            ([Float](repeating: 0.5, count: g.m * g.k), [Float](repeating: 0.25, count: g.k * g.n),
             [Float](repeating: 0, count: g.m * g.n))
        }
        return medianSeconds(options.repeats) {
            for (g, (a, b, c0)) in zip(gemms, buffers) {
                var c = c0
                for _ in 0..<g.count {
                    sgemm(transA: g.transA, transB: g.transB, m: g.m, n: g.n, k: g.k, a: a,
                          lda: g.transA ? g.m : g.k, b: b, ldb: g.transB ? g.k : g.n, c: &c, ldc: g.n)
                }
            }
        }
    }

    /// After a threaded sgemm (the references, or a single image's backward pass) OpenBLAS's
    /// pool threads spin on sched_yield for about 2^28 cycles before they sleep. A layer timed
    /// in that window shares a core with them, which never happens in g_a, g_s or training
    /// (their GEMMs run single-threaded inside Parallel's workers) and halved some rows.
    func letOpenBLASThreadsSleep() { Thread.sleep(forTimeInterval: 0.3) }

    struct Row { let setting: String, name: String, pass: String, gflops: Double, sgemm: Double }

    func run() {
        let compute = options.configure(precision.chosen)
        var rows: [Row] = []
        for (setting, batch, h, w) in [("1×3×512×768", 1, 512, 768), ("8×3×256×256", 8, 256, 256)] {
            for c in cases(batch: batch, height: h, width: w) {
                letOpenBLASThreadsSleep()
                c.layer.configure(compute)
                var y = c.layer.forward(c.input)
                let forward = medianSeconds(options.repeats) { y = c.layer.forward(c.input) }
                let dy = Tensor(zerosLike: y, value: 0.01)
                let backward = medianSeconds(options.repeats) { _ = c.layer.backward(dy) }
                rows.append(Row(setting: setting, name: c.name, pass: "forward",
                                gflops: flops(c.forward) / forward / 1e9,
                                sgemm: flops(c.forward) / sgemmSeconds(c.forward) / 1e9))
                rows.append(Row(setting: setting, name: c.name, pass: "backward",
                                gflops: flops(c.backward) / backward / 1e9,
                                sgemm: flops(c.backward) / sgemmSeconds(c.backward) / 1e9))
            }
        }
        let training = imagesPerSecond(architecture.architecture(), batch: 8, crop: 256, repeats: options.repeats, compute: compute)
        if options.json {
            struct Layer: Encodable { let name: String, pass: String, gflops: Double, sgemm_gflops: Double }
            struct Report: Encodable { let layers: [Layer], train_images_per_s: Double }
            printJSON(Report(layers: rows.map { Layer(name: "\($0.name) @ \($0.setting)", pass: $0.pass, gflops: $0.gflops,
                                                       sgemm_gflops: $0.sgemm) },
                             train_images_per_s: training))
            return
        }
        print("| input | layer | pass | layer GFLOP/s | sgemm GFLOP/s (same shapes) | ratio |")
        print("|---|---|---|---:|---:|---:|")
        for r in rows {
            print(String(format: "| %@ | %@ | %@ | %.1f | %.1f | %.0f%% |", r.setting, r.name, r.pass,
                         r.gflops, r.sgemm, 100 * r.gflops / r.sgemm))
        }
        print(String(format: "\ntraining step (8×256², N=%d, M=%d): %.2f images/s; OpenBLAS core %@; GEMMs in %@",
                     architecture.n, architecture.m, training, BLASRuntime.coreName, precision.chosen.rawValue))
    }
}
