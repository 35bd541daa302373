import Foundation
import TLScript

/// Ctrl-C while a script runs asks the interpreter to stop at the next safe point (a batch boundary in
/// fit); a second Ctrl-C ends the process.
enum InterruptHandling {
    nonisolated(unsafe) private static var source: DispatchSourceSignal?
    nonisolated(unsafe) private static var pressed = 0

    static func install(for interpreter: Interpreter) {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            pressed += 1
            if pressed >= 2 { exit(130) }
            FileHandle.standardError.write(Data("\ninterrupt: stopping at the next batch (Ctrl-C again to quit now)\n".utf8))
            interpreter.cancellation.cancel()
        }
        source.resume()
        self.source = source
    }
}
