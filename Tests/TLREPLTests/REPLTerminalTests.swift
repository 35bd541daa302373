import Foundation
import Glibc
import XCTest
import TLScript
@testable import TLREPL

/// Drives `runREPL` in-process through a pseudo-terminal, typing as a user would.
///
/// Keys are typed only while libedit is reading keys, never ahead: after the prompt has appeared AND the
/// terminal has left canonical mode (libedit may print the prompt a moment before it switches modes,
/// and switches back when a line is entered). A key typed in canonical mode is handled by the kernel's
/// line discipline instead: echoed a second time, and Ctrl-D turned into an end-of-file marker that
/// libedit never sees as Ctrl-D, which is how "the session did not end on Ctrl-D" happened under load.
/// `expect` reads the output pexpect-style: each match starts after the previous one, so a prompt
/// redrawn by line editing or shown earlier cannot satisfy a later wait.
final class REPLTerminalTests: XCTestCase {
    /// Generous: the machines running the tests are often busy compiling.
    static let timeout: TimeInterval = 30

    private var master: Int32 = -1
    private var slave: Int32 = -1
    private var output: [UInt8] = []
    private var matchedUpTo = 0
    private var timedOut = false
    private var historyPath = ""
    private var session: Session?

    /// A session running on another thread.
    final class Session: @unchecked Sendable {
        let interpreter: Interpreter
        let finished = DispatchSemaphore(value: 0)
        var status: Int32 = -1
        var ended = false
        init(interpreter: Interpreter) { self.interpreter = interpreter }

        func waitForEnd(timeout: TimeInterval) -> Bool {
            if !ended { ended = finished.wait(timeout: .now() + timeout) == .success }
            return ended
        }
    }

    /// Lets a test hold a statement running until it has typed what it needs.
    final class Gate: @unchecked Sendable {
        private let lock = NSLock()
        private var opened = false
        var isOpen: Bool { lock.withLock { opened } }
        func open() { lock.withLock { opened = true } }
    }

    override func setUp() {
        setenv("TERM", "xterm", 1)
        XCTAssertEqual(openpty(&master, &slave, nil, nil, nil), 0)
        historyPath = NSTemporaryDirectory() + "tl-history-\(UUID().uuidString)"
    }

    override func tearDown() {
        if let session, !session.ended {
            // A failed test leaves its session running: stop it (cancel the statement, hang up the
            // terminal) and wait, so that it cannot overlap the next test's session in libedit's globals.
            session.interpreter.cancellation.cancel()
            close(master)
            master = -1
            XCTAssertTrue(session.waitForEnd(timeout: Self.timeout), "the session did not stop after a hang-up")
        }
        if master >= 0 { close(master) }
        close(slave)
        try? FileManager.default.removeItem(atPath: historyPath)
    }

    private var transcript: String { String(decoding: output, as: UTF8.self) }

    private func type(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBufferPointer { write(master, $0.baseAddress!, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return XCTFail("could not type into the terminal: \(String(cString: strerror(errno)))") }
            offset += written
        }
    }

    /// Reads whatever output arrives within `milliseconds`.
    private func readOutput(waitingUpTo milliseconds: Int32) {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = read(master, &buffer, buffer.count)
        if count > 0 { output += buffer[..<count] }
    }

    private func firstIndex(of needle: [UInt8], from start: Int) -> Int? {
        guard output.count - start >= needle.count else { return nil }
        return (start...(output.count - needle.count)).first { output[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// Reads terminal output until `text` appears after the previous match. After one timeout the
    /// following calls fail at once, so a broken session costs one timeout, not one per step.
    @discardableResult
    private func expect(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> Bool {
        let needle = Array(text.utf8)
        let deadline = Date().addingTimeInterval(Self.timeout)
        while !timedOut {
            if let index = firstIndex(of: needle, from: matchedUpTo) {
                matchedUpTo = index + needle.count
                return true
            }
            if Date() > deadline {
                timedOut = true
                XCTFail("timed out waiting for \(text.debugDescription); transcript:\n\(transcript)", file: file, line: line)
            } else {
                readOutput(waitingUpTo: 100)
            }
        }
        return false
    }

    /// Waits for `prompt`, then until libedit has put the terminal in character mode to read keys.
    private func expectPrompt(_ prompt: String = ">>> ", file: StaticString = #filePath, line: UInt = #line) {
        guard expect(prompt, file: file, line: line) else { return }
        let deadline = Date().addingTimeInterval(Self.timeout)
        var settings = termios()
        while tcgetattr(slave, &settings) == 0 && settings.c_lflag & tcflag_t(ICANON) != 0 {
            guard Date() < deadline else {
                timedOut = true
                return XCTFail("the terminal stayed in canonical mode after the prompt; transcript:\n\(transcript)", file: file, line: line)
            }
            usleep(200)
        }
    }

    /// Types a line, then waits for `outputs` (in order) and the next prompt.
    private func enter(_ line: String, expecting outputs: String..., prompt: String = ">>> ",
                       file: StaticString = #filePath, line sourceLine: UInt = #line) {
        type(line + "\n")
        for text in outputs { expect(text, file: file, line: sourceLine) }
        expectPrompt(prompt, file: file, line: sourceLine)
    }

    /// Ctrl-D at the prompt (after `expectPrompt`, so libedit is reading keys) ends the session with status 0.
    private func quit(file: StaticString = #filePath, line: UInt = #line) {
        guard let session, !timedOut else { return }
        type("\u{04}")
        guard session.waitForEnd(timeout: Self.timeout) else {
            readOutput(waitingUpTo: 100)
            return XCTFail("the session did not end on Ctrl-D; transcript:\n\(transcript)", file: file, line: line)
        }
        XCTAssertEqual(session.status, 0, file: file, line: line)
    }

    private func startSession(_ configure: (Interpreter) -> Void = { _ in }) {
        let slave = self.slave
        let interpreter = Interpreter(output: { text in
            _ = text.utf8CString.withUnsafeBufferPointer { write(slave, $0.baseAddress!, $0.count - 1) }
        })
        interpreter.register(CommandSpec(name: "train", parameters: [ParameterSpec("epochs", default: 1, kind: .int)]) { args, interpreter in
            interpreter.write("trained \(try args.int("epochs"))\n")
            return .none
        })
        configure(interpreter)
        let session = Session(interpreter: interpreter)
        self.session = session
        let history = historyPath
        Thread {
            session.status = runREPL(interpreter: interpreter, banner: "tl test session", input: slave, output: slave, historyPath: history)
            session.finished.signal()
        }.start()
        expect("tl test session")
        expectPrompt()
    }

    func testStatementsErrorsHistoryCompletionAndQuit() throws {
        startSession()
        enter("x = 6 * 7")
        enter("x", expecting: "42\r\n")
        enter("x / 0", expecting: "<stdin>:1:3: division by zero\r\nx / 0\r\n  ^")
        enter("x + 1", expecting: "43\r\n")
        // Up arrow recalls the previous statement.
        enter("\u{1B}[A", expecting: "43\r\n")
        // Tab completes the command, then its keyword argument.
        enter("tra\t(epo\t5)", expecting: "trained 5\r\n")
        // A block continues with "... " until a blank line.
        enter("for i in range(2):", prompt: "... ")
        enter("    print('item', i)", prompt: "... ")
        enter("", expecting: "item 0\r\nitem 1\r\n")
        quit()
        // libedit stores entries vis(3)-encoded: spaces become \\040.
        let history = try String(contentsOfFile: historyPath, encoding: .utf8).replacingOccurrences(of: "\\040", with: " ")
        XCTAssertTrue(history.contains("x = 6 * 7"), history)
        XCTAssertTrue(history.contains("train(epochs=5)"), history)
    }

    func testCtrlCCancelsARunningStatementAndTheSessionContinues() {
        startSession { interpreter in
            interpreter.register(CommandSpec(name: "spin") { _, interpreter in
                interpreter.write("spinning\n")
                while !interpreter.isCancelled { usleep(1_000) }
                try interpreter.throwIfCancelled()
                return .none
            })
        }
        type("spin()\n")
        expect("spinning\r\n")
        // The pty is not this process's controlling terminal, so typing Ctrl-C would signal nobody.
        kill(getpid(), SIGINT)
        expect("KeyboardInterrupt\r\n")
        expectPrompt()
        enter("1 + 1", expecting: "2\r\n")
        quit()
    }

    /// A Ctrl-D typed while a statement runs reaches the kernel in canonical mode and becomes an
    /// end-of-file marker, which libedit later reads as a NUL byte. It must not turn the next key into
    /// a literal (libedit's default for NUL), or the Ctrl-D pressed at the prompt would not quit.
    func testCtrlDTypedWhileAStatementRunsDoesNotSwallowTheNextKey() {
        let gate = Gate()
        startSession { interpreter in
            interpreter.register(CommandSpec(name: "hold") { _, interpreter in
                interpreter.write("holding\n")
                while !gate.isOpen && !interpreter.isCancelled { usleep(1_000) }
                return .none
            })
        }
        type("hold()\n")
        expect("holding\r\n")
        type("\u{04}")
        // Wait until the line discipline has taken the key: its end-of-file marker makes the terminal
        // readable in canonical mode. Only then let the statement finish and libedit read again.
        var descriptor = pollfd(fd: slave, events: Int16(POLLIN), revents: 0)
        XCTAssertEqual(poll(&descriptor, 1, Int32(Self.timeout * 1000)), 1, "the typed Ctrl-D never reached the terminal")
        gate.open()
        expectPrompt()
        quit()
    }

    func testPipedInputRunsWithoutEditing() throws {
        var pipeEnds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&pipeEnds), 0)
        var printed = ""
        let interpreter = Interpreter(output: { printed += $0 })
        let text = "a = 2\nfor i in range(2):\n    a += i\n\nprint(a)\nb = a / 0\n"
        _ = text.utf8CString.withUnsafeBufferPointer { write(pipeEnds[1], $0.baseAddress!, $0.count - 1) }
        close(pipeEnds[1])
        let status = runREPL(interpreter: interpreter, banner: "ignored", input: pipeEnds[0], output: slave, historyPath: nil)
        close(pipeEnds[0])
        XCTAssertEqual(printed, "3\n")
        XCTAssertEqual(status, 1)
        expect("division by zero")
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
