import Foundation
import Glibc
import XCTest
import TLTestSupport

/// The real `tl` running on its own pseudo-terminal (forkpty, so the terminal is its controlling
/// terminal), started in `binary.home` with HOME pointing there. Several can run at once on one home.
final class TerminalSession {
    static let timeout: TimeInterval = 30

    let terminal: PseudoTerminal
    private let child: pid_t
    private var master: Int32
    private(set) var exitStatus: Int32?

    init(binary: TLBinary, arguments: [String] = [], environment extra: [String: String] = [:]) throws {
        // Everything the child needs is prepared before fork: after it, only exec.
        let argv: [UnsafeMutablePointer<CChar>?] = ([binary.executable.path] + arguments).map { strdup($0) } + [nil]
        let environment: [UnsafeMutablePointer<CChar>?] = binary.environment.merging(extra) { $1 }.map { strdup("\($0)=\($1)") } + [nil]
        let directory = strdup(binary.home.path)!
        defer {
            argv.forEach { free($0) }
            environment.forEach { free($0) }
            free(directory)
        }
        var master: Int32 = -1
        var size = winsize(ws_row: 40, ws_col: 200, ws_xpixel: 0, ws_ypixel: 0)
        let child = forkpty(&master, nil, nil, &size)
        if child == 0 {
            _ = chdir(directory)
            execve(argv[0]!, argv, environment)
            _exit(127)
        }
        guard child > 0 else { throw NotBuilt(description: "forkpty failed: \(String(cString: strerror(errno)))") }
        self.child = child
        self.master = master
        terminal = PseudoTerminal(master: master, settingsDescriptor: master, timeout: Self.timeout,
                                  fail: { XCTFail($0, file: $1, line: $2) })
    }

    deinit {
        if exitStatus == nil { kill(child, SIGKILL); var status: Int32 = 0; waitpid(child, &status, 0) }
        close(master)
    }

    /// Types a line, then waits for `outputs` (in order) and the next prompt.
    func enter(_ line: String, expecting outputs: String..., prompt: String = ">>> ",
               file: StaticString = #filePath, line sourceLine: UInt = #line) {
        terminal.type(line + "\n")
        for text in outputs { terminal.expect(text, file: file, line: sourceLine) }
        terminal.expectPrompt(prompt, file: file, line: sourceLine)
    }

    /// Ctrl-D at the prompt; returns tl's exit code (nil after a timeout or a signal).
    func quit() -> Int32? {
        terminal.type("\u{04}")
        return waitForExit()
    }

    /// Ends tl as a crash or `kill -9` would, without a chance to save anything.
    func killHard() {
        kill(child, SIGKILL)
        var status: Int32 = 0
        waitpid(child, &status, 0)
        exitStatus = status
    }

    func waitForExit() -> Int32? {
        let deadline = Date().addingTimeInterval(Self.timeout)
        var status: Int32 = 0
        while Date() < deadline {
            terminal.readOutput(waitingUpTo: 20)
            if waitpid(child, &status, WNOHANG) == child {
                exitStatus = status
                return status & 0x7f == 0 ? (status >> 8) & 0xff : nil
            }
        }
        return nil
    }
}
