import Foundation
import NN

/// OpenBLAS picks its kernels when it is loaded. Some builds do not recognise newer CPUs and
/// fall back to generic ones (it reports "Prescott"), which run sgemm several times slower.
/// When that happens on a CPU with AVX-512 or AVX2, and the user has not chosen a core
/// with OPENBLAS_CORETYPE, aeic re-executes itself once with the matching core set.
enum FastKernels {
    static let genericCores: Set<String> = ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem",
                                            "Atom", "Katmai", "Coppermine", "Northwood", "Banias",
                                            "Unknown", "generic"]

    static func ensure() {
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil, environment["AEIC_REEXEC"] == nil,
              genericCores.contains(BLASRuntime.coreName), let core = preferredCore() else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv("AEIC_REEXEC", "1", 1)
        let args = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", args)
    }

    /// The OpenBLAS core matching this CPU's vector extensions, read from /proc/cpuinfo.
    static func preferredCore() -> String? {
        guard let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
        else { return nil }
        let set = Set(flags.split(separator: " ").map(String.init))
        if set.contains("avx512f") && set.contains("avx512bw") { return "SkylakeX" }
        if set.contains("avx2") { return "Haswell" }
        return nil
    }
}
