import CHeap

/// The layers allocate and free tensors of tens of megabytes on every call. glibc maps each
/// block over 128 KiB afresh and unmaps it on free, so every call paid for page faults and
/// for the kernel zeroing the pages (a third of g_a's time under `perf`). Keeping freed blocks
/// in the heap reuses them instead.
enum Heap {
    static let retainedBytes = 1 << 30

    static func retainFreedBlocks() { _ = aeic_heap_retain(retainedBytes) }
}
