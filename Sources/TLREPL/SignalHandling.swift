import Glibc
import Synchronization
import TLScript

/// Ctrl-C handling. While a line is being edited, SIGINT interrupts the read and discards the line;
/// while a statement runs, it raises the interpreter's cancellation flag so loops and `fit` stop at
/// the next check. The handler only performs atomic stores.
enum SignalHandling {
    static let editInterrupted = Atomic<Bool>(false)
    /// The flag of the interpreter running a statement, or nil while editing.
    nonisolated(unsafe) static var runningFlag: UnsafeMutableRawPointer?

    /// Installs the handler (without SA_RESTART, so a blocking read returns EINTR); returns the
    /// previous action for `restore`.
    static func install() -> sigaction {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            if let flag = SignalHandling.runningFlag {
                Unmanaged<CancellationFlag>.fromOpaque(flag)._withUnsafeGuaranteedRef { $0.cancel() }
            } else {
                SignalHandling.editInterrupted.store(true, ordering: .relaxed)
            }
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        var previous = sigaction()
        sigaction(SIGINT, &action, &previous)
        return previous
    }

    static func restore(_ previous: sigaction) {
        var previous = previous
        sigaction(SIGINT, &previous, nil)
    }

    /// Runs `body` with Ctrl-C routed to `flag`.
    static func whileRunning<T>(_ flag: CancellationFlag, _ body: () throws -> T) rethrows -> T {
        flag.reset()
        runningFlag = Unmanaged.passUnretained(flag).toOpaque()
        defer { runningFlag = nil }
        return try body()
    }
}
