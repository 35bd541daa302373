import Foundation
import Glibc
import XCTest
import TLScript
@testable import TLREPL

/// Drives `runREPL` in-process through a pseudo-terminal, typing as a user would.
final class REPLTerminalTests: XCTestCase {
    private var master: Int32 = -1
    private var slave: Int32 = -1
    private var transcript = ""
    private var historyPath = ""

    override func setUp() {
        setenv("TERM", "xterm", 1)
        XCTAssertEqual(openpty(&master, &slave, nil, nil, nil), 0)
        historyPath = NSTemporaryDirectory() + "tl-history-\(UUID().uuidString)"
    }

    override func tearDown() {
        close(master)
        close(slave)
        try? FileManager.default.removeItem(atPath: historyPath)
    }

    private func type(_ text: String) {
        _ = text.utf8CString.withUnsafeBufferPointer { write(master, $0.baseAddress!, $0.count - 1) }
    }

    /// Reads terminal output until `text` has appeared `occurrences` times (or fails after a timeout).
    private func waitFor(_ text: String, occurrences: Int = 1, file: StaticString = #filePath, line: UInt = #line) {
        let deadline = Date().addingTimeInterval(10)
        while transcript.components(separatedBy: text).count - 1 < occurrences {
            var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 100) > 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = read(master, &buffer, buffer.count)
                if count > 0 { transcript += String(decoding: buffer[..<count], as: UTF8.self) }
            }
            if Date() > deadline {
                XCTFail("timed out waiting for \(text.debugDescription); transcript:\n\(transcript)", file: file, line: line)
                return
            }
        }
    }

    /// Types Ctrl-D until the session ends. A keystroke can land in the instant between two reads,
    /// while libedit has the terminal in canonical mode, where the kernel consumes it; a user would
    /// simply press it again, and so does this.
    private func quit(_ finished: DispatchSemaphore, file: StaticString = #filePath, line: UInt = #line) {
        for _ in 0..<5 {
            type("\u{04}")
            if finished.wait(timeout: .now() + 1) == .success { return }
        }
        XCTFail("the session did not end on Ctrl-D; transcript:\n\(transcript)", file: file, line: line)
    }

    /// The exit status of a session running on another thread.
    final class Status: @unchecked Sendable { var pointee: Int32 = -1 }

    private func startSession(_ configure: (Interpreter) -> Void = { _ in }) -> (Interpreter, DispatchSemaphore, Status) {
        let slave = self.slave
        let interpreter = Interpreter(output: { text in
            _ = text.utf8CString.withUnsafeBufferPointer { write(slave, $0.baseAddress!, $0.count - 1) }
        })
        interpreter.register(CommandSpec(name: "train", parameters: [ParameterSpec("epochs", default: 1, kind: .int)]) { args, interpreter in
            interpreter.write("trained \(try args.int("epochs"))\n")
            return .none
        })
        configure(interpreter)
        let finished = DispatchSemaphore(value: 0)
        let status = Status()
        let history = historyPath
        Thread {
            status.pointee = runREPL(interpreter: interpreter, banner: "tl test session", input: slave, output: slave, historyPath: history)
            finished.signal()
        }.start()
        waitFor(">>> ")
        return (interpreter, finished, status)
    }

    func testStatementsErrorsHistoryCompletionAndQuit() throws {
        let (_, finished, status) = startSession()
        XCTAssertTrue(transcript.contains("tl test session"))
        type("x = 6 * 7\n")
        waitFor(">>> ", occurrences: 2)
        type("x\n")
        waitFor("42")
        type("x / 0\n")
        waitFor("division by zero")
        XCTAssertTrue(transcript.contains("<stdin>:1:3: division by zero"))
        type("x + 1\n")
        waitFor("43")
        // Up arrow recalls the previous statement.
        type("\u{1B}[A\n")
        waitFor("43", occurrences: 2)
        // Tab completes the command, then its keyword argument.
        type("tra\t(epo\t5)\n")
        waitFor("trained 5")
        // A block continues with "... " until a blank line.
        type("for i in range(2):\n")
        waitFor("... ")
        type("    print('item', i)\n")
        type("\n")
        waitFor("item 1")
        quit(finished)
        XCTAssertEqual(status.pointee, 0)
        // libedit stores entries vis(3)-encoded: spaces become \\040.
        let history = try String(contentsOfFile: historyPath, encoding: .utf8).replacingOccurrences(of: "\\040", with: " ")
        XCTAssertTrue(history.contains("x = 6 * 7"), history)
        XCTAssertTrue(history.contains("train(epochs=5)"), history)
    }

    func testCtrlCCancelsARunningStatementAndTheSessionContinues() {
        let (_, finished, status) = startSession { interpreter in
            interpreter.register(CommandSpec(name: "spin") { _, interpreter in
                interpreter.write("spinning\n")
                while !interpreter.isCancelled { usleep(1_000) }
                try interpreter.throwIfCancelled()
                return .none
            })
        }
        type("spin()\n")
        waitFor("spinning")
        kill(getpid(), SIGINT)
        waitFor("KeyboardInterrupt")
        waitFor(">>> ", occurrences: 2)
        type("1 + 1\n")
        waitFor("2\r\n")
        waitFor(">>> ", occurrences: 3)
        quit(finished)
        XCTAssertEqual(status.pointee, 0)
    }

    func testPipedInputRunsWithoutEditing() throws {
        var pipeEnds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&pipeEnds), 0)
        var output = ""
        let interpreter = Interpreter(output: { output += $0 })
        let text = "a = 2\nfor i in range(2):\n    a += i\n\nprint(a)\nb = a / 0\n"
        _ = text.utf8CString.withUnsafeBufferPointer { write(pipeEnds[1], $0.baseAddress!, $0.count - 1) }
        close(pipeEnds[1])
        let status = runREPL(interpreter: interpreter, banner: "ignored", input: pipeEnds[0], output: slave, historyPath: nil)
        close(pipeEnds[0])
        XCTAssertEqual(output, "3\n")
        XCTAssertEqual(status, 1)
        waitFor("division by zero")
        XCTAssertFalse(transcript.contains("ignored"))
    }

    func testCompleterOffersParametersAttributesAndNames() {
        let interpreter = Interpreter(output: { _ in })
        interpreter.register(CommandSpec(name: "fit", parameters: [ParameterSpec("model"), ParameterSpec("epochs", default: 1)]) { _, _ in .none })
        interpreter.register(CommandSpec(name: "Dense", aliases: ["layers.Dense"]) { _, _ in .none })
        interpreter[variable: "epoch_count"] = 3
        let completer = Completer(interpreter: interpreter)
        XCTAssertEqual(completer.candidates(for: "ep", after: "model.fit(x, "), ["epoch_count", "epochs="])
        XCTAssertEqual(completer.candidates(for: "layers.D", after: ""), ["layers.Dense"])
        XCTAssertEqual(completer.candidates(for: "fi", after: ""), ["fit"])
        XCTAssertEqual(completer.enclosingCall(in: "print(fit(a, [1, 2], "), "fit")
    }
}
