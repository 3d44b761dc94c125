import Dispatch

/// How a layer computes: the arithmetic of its GEMMs and the worker threads that split its
/// batches and images. Each layer holds its own (a model sets all of its layers' with
/// `Layer.configure`), so that two models made for different settings can run in one
/// process side by side.
///
/// Work is split by image: with a batch, each worker takes whole images and OpenBLAS runs
/// single-threaded inside it, so im2col, col2im and the element-wise work run in parallel
/// too; with one image, OpenBLAS gets every thread instead.
public struct Compute: Equatable, Sendable {
    public var precision: GEMMPrecision
    /// Worker threads for batches and bands; 1 disables that parallelism.
    public var workers: Int
    /// Scratch memory (im2col's columns, GDN's squares) shared by every layer configured with
    /// this value or a copy of it. A network's layers run one at a time, so one set of
    /// buffers serves them all; one set per layer held 150 MB in the denoiser's U-Net, every
    /// page of which a fresh process faulted in.
    let workspaces = Workspaces()

    public init(precision: GEMMPrecision = .float32, workers: Int = 2) {
        precondition(workers >= 1, "at least one worker")
        (self.precision, self.workers) = (precision, workers)
    }

    /// Calls `body(item, worker)` for every item in 0..<count, worker in 0..<workers(count).
    /// Each worker takes a consecutive run of items, in order (items often come as images ×
    /// bands, the last band of each image shorter, so dealing them out in turn would hand one
    /// worker every long band); results must not depend on which worker ran them.
    ///
    /// OpenBLAS's thread count is one setting for the whole process (the library has no other),
    /// so it is lowered to 1 for the parallel section and restored after.
    public func forEach(_ count: Int, _ body: (Int, Int) -> Void) {
        let w = workers(count)
        guard w > 1 else {
            for i in 0..<count { body(i, 0) }
            return
        }
        let saved = BLASRuntime.threads
        BLASRuntime.threads = 1
        DispatchQueue.concurrentPerform(iterations: w) { worker in
            for i in (worker * count / w)..<((worker + 1) * count / w) { body(i, worker) }
        }
        BLASRuntime.threads = saved
    }

    /// 0..<count cut into consecutive parts of at most `limit`: with a batch of at least
    /// `workers` images each image is one work item, so the parts only respect `limit`;
    /// with fewer images each image is also cut into about one part per worker.
    public func parts(_ count: Int, images: Int, limit: Int = .max) -> [Range<Int>] {
        let perWorker = (count + workers - 1) / workers
        return bands(count, images >= workers ? min(limit, count) : min(limit, perWorker))
    }

    /// How many workers `forEach` uses for `count` items.
    public func workers(_ count: Int) -> Int { max(1, min(workers, count)) }

    /// The same arithmetic and workers, whatever the scratch memory.
    public static func == (a: Compute, b: Compute) -> Bool { a.precision == b.precision && a.workers == b.workers }
}

/// Per-worker scratch memory, grown on demand and kept between calls. `prepare` runs before
/// a parallel section; inside it each worker only reads its own pointer. Shared by layers
/// that never run at the same time (see `Compute.workspaces`).
final class Workspaces: @unchecked Sendable {
    private var buffers: [UnsafeMutablePointer<Float>] = []
    private var capacity = 0

    func prepare(workers: Int, count: Int) {
        if count > capacity || workers > buffers.count {
            buffers.forEach { $0.deallocate() }
            capacity = max(count, capacity)
            buffers = (0..<workers).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: capacity) }
        }
    }

    func pointer(_ worker: Int) -> UnsafeMutablePointer<Float> { buffers[worker] }

    deinit { buffers.forEach { $0.deallocate() } }
}

/// Per-worker gradient accumulators for one parameter, summed in worker order at the end so
/// the result does not depend on scheduling.
final class GradientShards {
    let workers: Int, count: Int
    let base: UnsafeMutablePointer<Float>

    init(workers: Int, count: Int) {
        (self.workers, self.count) = (workers, count)
        base = .allocate(capacity: workers * count)
        base.initialize(repeating: 0, count: workers * count)
    }

    func shard(_ worker: Int) -> UnsafeMutablePointer<Float> { base + worker * count }

    func add(into parameter: Parameter) {
        guard !parameter.frozen else { return }
        parameter.grad.withUnsafeMutableBufferPointer { g in
            for w in 0..<workers { let s = shard(w); for k in 0..<count { g[k] += s[k] } }
        }
    }

    deinit { base.deallocate() }
}
