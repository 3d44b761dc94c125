import Foundation

/// Remembers SIGINT and SIGTERM instead of dying on them, so that training stops after the
/// step in flight and writes its checkpoint (as Ctrl-C or `kill` would otherwise lose it).
final class Interrupt: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    private let sources: [DispatchSourceSignal]

    init(onSignal: @escaping @Sendable () -> Void) {
        var sources: [DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            sources.append(DispatchSource.makeSignalSource(signal: number, queue: .global()))
        }
        self.sources = sources
        for source in sources {
            source.setEventHandler { [unowned self] in
                lock.withLock { flag = true }
                onSignal()
            }
            source.resume()
        }
    }

    var received: Bool { lock.withLock { flag } }
}
