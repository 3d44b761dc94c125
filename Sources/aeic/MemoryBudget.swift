import Foundation

/// What a photo costs in memory while aeic compresses, decompresses or denoises it, against
/// what the machine has free: a photo that would not fit is refused before it is decoded,
/// with a clear error, instead of the kernel killing aeic part-way.
struct MemoryBudget {
    /// Peak resident bytes per pixel at 100 MP, the most of compress, decompress and denoise
    /// (`aeic bench scale`), rounded up: the photo's samples, g_a's or g_s's output in
    /// Float32, the latents, and one tile's work.
    static let bytesPerPixel = 48
    /// Beside the photo: the binary, the model, OpenBLAS's buffers.
    static let baseBytes = 256 << 20

    /// Bytes aeic may use.
    let bytes: Int

    /// The most pixels that fit in `bytes`.
    var pixels: Int { max(0, bytes - MemoryBudget.baseBytes) / MemoryBudget.bytesPerPixel }

    /// What a `width`×`height` photo needs.
    static func need(width: Int, height: Int) -> Int {
        baseBytes + width.multipliedReportingOverflow(by: height).partialValue * bytesPerPixel
    }

    /// What this machine has free for this process: MemAvailable of /proc/meminfo, less
    /// under a cgroup's (a container's) memory limit; nil where neither can be read.
    static func free() -> MemoryBudget? {
        let available = meminfo("MemAvailable")
        let cgroup = number("/sys/fs/cgroup/memory.max").map { limit in
            limit - (number("/sys/fs/cgroup/memory.current") ?? 0)
        }
        return [available, cgroup].compactMap { $0 }.min().map(MemoryBudget.init)
    }

    /// A `key: N kB` line of /proc/meminfo, in bytes.
    private static func meminfo(_ key: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(key + ":") {
            return line.split(separator: " ").dropFirst().first.flatMap { Int($0) }.map { $0 * 1024 }
        }
        return nil
    }

    /// A file holding one integer ("max", a cgroup without a limit, reads as nil).
    private static func number(_ path: String) -> Int? {
        (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
}

/// A photo too large for the memory aeic may use.
struct OutOfMemoryBudget: Error, CustomStringConvertible {
    let width: Int, height: Int, budget: MemoryBudget

    var description: String {
        let gib = { (bytes: Int) in String(format: "%.1f GiB", Double(bytes) / Double(1 << 30)) }
        return "image is \(width)x\(height): it needs about \(gib(MemoryBudget.need(width: width, height: height))) of memory, "
            + "and \(gib(budget.bytes)) is available (what the machine has free, or --max-memory)"
    }
}
