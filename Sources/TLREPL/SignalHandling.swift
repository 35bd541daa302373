import Glibc
import Synchronization
import TLScript

/// Ctrl-C handling. While a line is being edited, SIGINT interrupts the read and discards the line;
/// while a statement runs, it raises the interpreter's cancellation flag so loops and long commands
/// stop at their next check, and a second Ctrl-C less than a second after the first marks the statement
/// to be ended hard (the REPL then stops waiting for it). The handler only reads the clock and performs
/// atomic stores, both safe in a signal handler.
enum SignalHandling {
    /// Raised by a Ctrl-C while no statement runs. Cleared only where a line starts being read (so a
    /// press after that point is never lost); consumed by the read it interrupts or by the wait for an
    /// abandoned statement.
    static let editInterrupted = Atomic<Bool>(false)
    /// Set by a second Ctrl-C within `hardInterruptWindow` of the first while a statement runs.
    static let hardInterruptRequested = Atomic<Bool>(false)
    /// When the last Ctrl-C during the running statement came (monotonic nanoseconds; 0: none yet).
    private static let lastPressNanoseconds = Atomic<Int64>(0)
    static let hardInterruptWindowNanoseconds: Int64 = 1_000_000_000
    /// The flag of the interpreter running a statement, or nil while editing.
    nonisolated(unsafe) private static var runningFlag: UnsafeMutableRawPointer?

    /// Installs the handler (without SA_RESTART, so a blocking read returns EINTR) and unblocks SIGINT on
    /// the prompt's thread, which a parent may have left blocked (the mask is inherited through exec, and
    /// the worker threads inherit this thread's); returns what `restore` puts back.
    static func install() -> (action: sigaction, mask: sigset_t) {
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in SignalHandling.handleInterrupt() }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        var previous = sigaction()
        sigaction(SIGINT, &action, &previous)
        var interrupt = sigset_t(), previousMask = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, &previousMask)
        return (previous, previousMask)
    }

    private static func handleInterrupt() {
        guard let flag = runningFlag else {
            editInterrupted.store(true, ordering: .relaxed)
            return
        }
        Unmanaged<CancellationFlag>.fromOpaque(flag)._withUnsafeGuaranteedRef { $0.cancel() }
        let now = monotonicNanoseconds()
        let previous = lastPressNanoseconds.exchange(now, ordering: .relaxed)
        if previous != 0 && now - previous < hardInterruptWindowNanoseconds {
            hardInterruptRequested.store(true, ordering: .relaxed)
        }
    }

    /// CLOCK_MONOTONIC in nanoseconds (clock_gettime is async-signal-safe).
    static func monotonicNanoseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000_000 + Int64(time.tv_nsec)
    }

    static func restore(_ previous: (action: sigaction, mask: sigset_t)) {
        var action = previous.action, mask = previous.mask
        sigaction(SIGINT, &action, nil)
        pthread_sigmask(SIG_SETMASK, &mask, nil)
    }

    /// Routes Ctrl-C to `flag` until `end` is called (the statement may run on another thread).
    static func beginRunning(_ flag: CancellationFlag) {
        flag.reset()
        hardInterruptRequested.store(false, ordering: .relaxed)
        lastPressNanoseconds.store(0, ordering: .relaxed)
        runningFlag = Unmanaged.passUnretained(flag).toOpaque()
    }

    static func endRunning() {
        runningFlag = nil
        hardInterruptRequested.store(false, ordering: .relaxed)
    }
}
