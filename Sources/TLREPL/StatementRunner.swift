import Foundation
import Glibc
import TLScript

/// Runs each REPL statement on a worker thread while the prompt's thread waits, so that a statement
/// which ignores Ctrl-C (a command stuck between its checks) can be left behind: after a second
/// Ctrl-C within a second the prompt returns at once. The abandoned statement keeps its cancellation
/// flag raised and ends at its next check; the next statement waits for it first, because the
/// interpreter runs one statement at a time.
final class StatementRunner {
    enum Outcome {
        case finished
        case failed(Error)
        /// Ended hard by a second Ctrl-C: still running in the background, its result discarded.
        case abandoned
    }

    /// Large enough for the interpreter's deepest recursion (nested expressions, 200 user frames).
    static let workerStackSize = 256 << 20
    private var abandoned: DispatchSemaphore?

    /// Runs `body` with Ctrl-C routed to `cancellation`. Nil when a statement abandoned earlier was still
    /// running and Ctrl-C gave up waiting for it: `body` did not run.
    func run(cancellation: CancellationFlag, notify: (String) -> Void, _ body: @escaping () throws -> Void) -> Outcome? {
        guard waitForAbandonedStatement(notify: notify) else { return nil }
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox()
        SignalHandling.beginRunning(cancellation)
        defer { SignalHandling.endRunning() }
        let worker = Thread {
            do { try body(); result.set(.finished) } catch { result.set(.failed(error)) }
            done.signal()
        }
        worker.stackSize = StatementRunner.workerStackSize
        worker.start()
        while done.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            if SignalHandling.hardInterruptRequested.load(ordering: .relaxed) {
                abandoned = done
                return .abandoned
            }
        }
        return result.get() ?? .finished
    }

    /// Whether a statement abandoned earlier is still running.
    var isWaitingForAbandonedStatement: Bool {
        guard let abandoned else { return false }
        if abandoned.wait(timeout: .now()) == .success { self.abandoned = nil; return false }
        return true
    }

    /// Blocks until a statement abandoned earlier has ended (it was cancelled, so it ends at its next
    /// check); returns false when Ctrl-C gave up waiting.
    ///
    /// Any Ctrl-C since the line was read counts (the reader cleared `editInterrupted` when it began
    /// reading, and no statement runs meanwhile, so the handler raises that flag). The flag must not be
    /// cleared here: the user answers the notice below, and on a busy machine the Ctrl-C can arrive, and
    /// its handler run, before this thread has returned from writing the notice; a clear after the write
    /// erased it, and the prompt then waited for a command that never ends.
    func waitForAbandonedStatement(notify: (String) -> Void) -> Bool {
        guard let abandoned else { return true }
        if abandoned.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
            notify("(waiting for the interrupted command to reach its next check; Ctrl-C to stop waiting...)\n")
            while abandoned.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
                if SignalHandling.editInterrupted.exchange(false, ordering: .relaxed) { return false }
            }
        }
        self.abandoned = nil
        return true
    }

    /// The worker's outcome, handed to the waiting thread.
    private final class ResultBox: @unchecked Sendable {
        private let lock = NSLock()
        private var outcome: Outcome?
        func set(_ value: Outcome) { lock.withLock { outcome = value } }
        func get() -> Outcome? { lock.withLock { outcome } }
    }
}
