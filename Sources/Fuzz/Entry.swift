import Foundation

/// libFuzzer's entry point (`scripts/fuzz.sh` builds with `-sanitize=fuzzer`): the target
/// comes from `AEIC_FUZZ_TARGET`, since libFuzzer owns the command line.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzTarget.fromEnvironment.run(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

extension FuzzTarget {
    static let fromEnvironment: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["AEIC_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            fatalError("set AEIC_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return target
    }()
}

#if !FUZZING
/// Without libFuzzer, `aeic-fuzz TARGET FILE...` replays inputs (the regression files under
/// fixtures/fuzz/, which the test suite runs): it prints each file and exits 0 when every one
/// returned.
@main
struct Replay {
    static func main() throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("usage: aeic-fuzz \(FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")) FILE...\n".utf8))
            exit(2)
        }
        target.run([])    // loads the shipped models before the clock starts
        for path in arguments.dropFirst() {
            let start = Date()
            target.run(Array(try Data(contentsOf: URL(fileURLWithPath: path))))
            print(String(format: "%@ %.3f s", path, Date().timeIntervalSince(start)))
        }
    }
}
#endif
