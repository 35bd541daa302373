import Foundation
import Glibc
import XCTest
import TLTestSupport

/// Starts the real `tl` on a pseudo-terminal (forkpty: the terminal is its controlling terminal, so a
/// typed Ctrl-C signals it as it would a user's) and types into it.
///
/// Keys are typed only while libedit is reading keys, and output is matched in order (``PseudoTerminal``).
final class InteractiveSessionTests: XCTestCase {
    static let timeout: TimeInterval = 30

    private var binary: TLBinary!
    private var master: Int32 = -1
    private var child: pid_t = 0
    private var exitStatus: Int32?
    private var terminal: PseudoTerminal!

    override func tearDownWithError() throws {
        if child > 0 && exitStatus == nil {
            kill(child, SIGKILL)
            var status: Int32 = 0
            waitpid(child, &status, 0)
        }
        if master >= 0 { close(master) }
        binary?.removeHome()
    }

    private func start() throws {
        binary = try TLBinary()
        // Everything the child needs is prepared before fork: after it, only exec.
        let arguments: [UnsafeMutablePointer<CChar>?] = [strdup(binary.executable.path), nil]
        let environment: [UnsafeMutablePointer<CChar>?] = binary.environment.map { key, value in
            let entry = "\(key)=\(value)"
            return strdup(entry)
        } + [nil]
        let directory = strdup(binary.home.path)!
        defer {
            arguments.forEach { free($0) }
            environment.forEach { free($0) }
            free(directory)
        }
        var size = winsize(ws_row: 40, ws_col: 120, ws_xpixel: 0, ws_ypixel: 0)
        child = forkpty(&master, nil, nil, &size)
        if child == 0 {
            _ = chdir(directory)
            execve(arguments[0]!, arguments, environment)
            _exit(127)
        }
        XCTAssertGreaterThan(child, 0, "forkpty failed: \(String(cString: strerror(errno)))")
        terminal = PseudoTerminal(master: master, settingsDescriptor: master, timeout: Self.timeout,
                                  fail: { XCTFail($0, file: $1, line: $2) })
    }

    private func enter(_ line: String, expecting outputs: String..., file: StaticString = #filePath, line sourceLine: UInt = #line) {
        terminal.type(line + "\n")
        for text in outputs { terminal.expect(text, file: file, line: sourceLine) }
        terminal.expectPrompt(file: file, line: sourceLine)
    }

    /// Waits for tl to exit and returns its exit code (nil after a timeout or a signal).
    private func waitForExit() -> Int32? {
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

    func testTrainInterruptInspectRecallCompleteAndQuit() throws {
        try start()
        terminal.expect("Ctrl-D quits")
        terminal.expectPrompt()
        enter("keep = 41")
        enter("m = sequential()")
        enter(#"m.add(dense(4, activation="relu", input_dim=2))"#)
        enter(#"m.add(dense(1, activation="sigmoid"))"#)
        enter(#"compile(m, optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])"#)
        enter("x = [[0,0],[0,1],[1,0],[1,1]] * 500")
        enter("y = [0,1,1,0] * 500")

        // Long enough to interrupt: Ctrl-C once an epoch has finished stops fit at the next batch.
        terminal.type("h = fit(m, x, y, epochs=200, batch_size=1)\n")
        terminal.expect("Epoch 2/200")
        terminal.type("\u{03}")
        terminal.expect("interrupted at epoch ")
        let epoch = terminal.expect(",").flatMap { Int($0) }
        XCTAssertNotNil(epoch, "no epoch number after 'interrupted at epoch'")
        terminal.expectPrompt()

        // fit returns its History after an interruption: h holds the finished epochs.
        if let epoch { enter(#"len(h.history["loss"])"#, expecting: "\r\n\(epoch - 1)\r\n") }
        enter("h", expecting: "History: ", "(interrupted at epoch")
        // The variable defined before the interruption survives; up arrow recalls the last statement.
        enter("keep", expecting: "41\r\n")
        enter("\u{1B}[A", expecting: "41\r\n")
        // Tab completes a command name, then a keyword argument (checked in the history below).
        enter("compi\t(m, optimizer=\"rmsprop\", loss=\"binary_crossentropy\", metrics=[\"acc\"])")
        enter("evaluate(m, x, y, verb\t1)", expecting: "loss: ", " - acc: ")

        terminal.type("\u{04}")
        XCTAssertEqual(waitForExit(), 0, "tl did not exit with status 0 on Ctrl-D; terminal.transcript (end):\n\(terminal.transcript.suffix(4000))")
        // libedit stores history entries vis(3)-encoded: spaces become \040.
        let history = try String(contentsOf: binary.home.appendingPathComponent(".tl_history"), encoding: .utf8)
            .replacingOccurrences(of: "\\040", with: " ")
        XCTAssertTrue(history.contains(#"compile(m, optimizer="rmsprop""#), history)
        XCTAssertTrue(history.contains("evaluate(m, x, y, verbose=1)"), history)
    }
}
