import Foundation
import TLScript

/// Ctrl-C while a script runs (`tl run`, `tl -c`) asks the interpreter to stop at the next safe point
/// (a statement, a loop iteration, a batch); the run then writes its report, saying it was interrupted,
/// and exits with 130. A second Ctrl-C less than a second after the first, while the running command
/// ignores it, ends the process at once: the report so far is written (marked interrupted) and tl exits
/// with 130. A later Ctrl-C, more than a second on, asks again.
enum InterruptHandling {
    /// The exit status of a run stopped by Ctrl-C (128 + SIGINT), as shells report it.
    static let interruptedStatus: Int32 = 130
    static let hardInterruptWindow: TimeInterval = 1

    nonisolated(unsafe) private static var source: DispatchSourceSignal?

    static func install(for interpreter: Interpreter) {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        var lastPress: Date?
        source.setEventHandler {
            let now = Date()
            defer { lastPress = now }
            if let lastPress, now.timeIntervalSince(lastPress) < hardInterruptWindow {
                FileHandle.standardError.write(Data("\ninterrupt: the command did not stop; ending the run now\n".utf8))
                if let report = interpreter.report {
                    report.recordInterruption()
                    report.write()
                }
                fflush(stdout)
                _exit(interruptedStatus)
            }
            FileHandle.standardError.write(Data("\ninterrupt: stopping at the next batch (Ctrl-C again within a second to end now)\n".utf8))
            interpreter.cancellation.cancel()
        }
        source.resume()
        self.source = source
    }
}
