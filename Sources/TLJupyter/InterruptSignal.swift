import Glibc
import Synchronization
import TLScript

/// SIGINT, which Jupyter sends for "interrupt the kernel" (`"interrupt_mode": "signal"`), raises the
/// session's cancellation flag: a running `fit` stops at the next batch, a loop at its next turn, and
/// the kernel goes on to the next request. The handler only does atomic loads and stores.
enum InterruptSignal {
    /// The address of the flag to raise (0 before `route` is called).
    private static let flagAddress = Atomic<UInt>(0)

    /// Routes SIGINT to `flag` for the rest of the process's life; the caller keeps `flag` alive.
    static func route(to flag: CancellationFlag) {
        flagAddress.store(UInt(bitPattern: Unmanaged.passUnretained(flag).toOpaque()), ordering: .releasing)
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            let address = InterruptSignal.flagAddress.load(ordering: .acquiring)
            guard address != 0, let pointer = UnsafeRawPointer(bitPattern: address) else { return }
            Unmanaged<CancellationFlag>.fromOpaque(pointer)._withUnsafeGuaranteedRef { $0.cancel() }
        }
        sigemptyset(&action.sa_mask)
        // Restart interrupted system calls, so file and pipe I/O in commands never fails with EINTR.
        action.sa_flags = SA_RESTART
        sigaction(SIGINT, &action, nil)
    }
}
