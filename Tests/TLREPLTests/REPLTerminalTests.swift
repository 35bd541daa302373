import Foundation
import Glibc
import XCTest
import TLTestSupport
import TLScript
@testable import TLREPL

/// Drives `runREPL` in-process through a pseudo-terminal, typing as a user would (``PseudoTerminal``
/// explains when keys may be typed and how output is matched; typing ahead is how "the session did not
/// end on Ctrl-D" happened under load).
final class REPLTerminalTests: XCTestCase {
    /// Generous: the machines running the tests are often busy compiling.
    static let timeout: TimeInterval = 30

    private var master: Int32 = -1
    private var slave: Int32 = -1
    private var historyPath = ""
    private var session: Session?
    private var terminal: PseudoTerminal!

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
        terminal = PseudoTerminal(master: master, settingsDescriptor: slave, timeout: Self.timeout,
                                  fail: { XCTFail($0, file: $1, line: $2) })
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

    /// Types a line, then waits for `outputs` (in order) and the next prompt.
    private func enter(_ line: String, expecting outputs: String..., prompt: String = ">>> ",
                       file: StaticString = #filePath, line sourceLine: UInt = #line) {
        terminal.type(line + "\n")
        for text in outputs { terminal.expect(text, file: file, line: sourceLine) }
        terminal.expectPrompt(prompt, file: file, line: sourceLine)
    }

    /// Ctrl-D at the prompt (after `expectPrompt`, so libedit is reading keys) ends the session with status 0.
    private func quit(file: StaticString = #filePath, line: UInt = #line) {
        guard let session, !terminal.timedOut else { return }
        terminal.type("\u{04}")
        guard session.waitForEnd(timeout: Self.timeout) else {
            terminal.readOutput(waitingUpTo: 100)
            return XCTFail("the session did not end on Ctrl-D; terminal.transcript:\n\(terminal.transcript)", file: file, line: line)
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
        terminal.expect("tl test session")
        terminal.expectPrompt()
    }

    func testStatementsErrorsHistoryCompletionAndQuit() throws {
        startSession()
        enter("x = 6 * 7")
        enter("x", expecting: "42\r\n")
        enter("x / 0", expecting: "<stdin-3>:1:3: division by zero\r\nx / 0\r\n  ^")
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
        terminal.type("spin()\n")
        terminal.expect("spinning\r\n")
        // The pty is not this process's controlling terminal, so typing Ctrl-C would signal nobody.
        kill(getpid(), SIGINT)
        terminal.expect("KeyboardInterrupt\r\n")
        terminal.expectPrompt()
        enter("1 + 1", expecting: "2\r\n")
        quit()
    }

    /// A command that never checks the flag: a second Ctrl-C within a second returns to the prompt at
    /// once; the abandoned statement ends at its next check, and the next statement waits for it.
    func testASecondCtrlCReturnsToThePromptWhenACommandIgnoresTheFirst() {
        let gate = Gate()
        startSession { interpreter in
            interpreter.register(CommandSpec(name: "stubborn") { _, interpreter in
                interpreter.write("ignoring Ctrl-C\n")
                while !gate.isOpen { usleep(1_000) }
                try interpreter.throwIfCancelled()
                interpreter[variable: "finished"] = .bool(true)
                return .none
            })
        }
        terminal.type("stubborn()\n")
        terminal.expect("ignoring Ctrl-C\r\n")
        kill(getpid(), SIGINT)
        usleep(200_000)
        kill(getpid(), SIGINT)
        terminal.expect("the command did not stop at the first Ctrl-C")
        terminal.expectPrompt()
        XCTAssertFalse(gate.isOpen, "the prompt came back while the command was still running")
        terminal.type("1 + 1\n")
        terminal.expect("waiting for the interrupted command")
        gate.open()
        terminal.expect("2\r\n")
        terminal.expectPrompt()
        // The abandoned statement saw the cancellation at its check and did not finish.
        enter("finished", expecting: "is not defined")
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
        terminal.type("hold()\n")
        terminal.expect("holding\r\n")
        terminal.type("\u{04}")
        // Wait until the line discipline has taken the key: its end-of-file marker makes the terminal
        // readable in canonical mode. Only then let the statement finish and libedit read again.
        var descriptor = pollfd(fd: slave, events: Int16(POLLIN), revents: 0)
        XCTAssertEqual(poll(&descriptor, 1, Int32(Self.timeout * 1000)), 1, "the typed Ctrl-D never reached the terminal")
        gate.open()
        terminal.expectPrompt()
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
        terminal.expect("division by zero")
        XCTAssertFalse(terminal.transcript.contains("ignored"))
    }

    func testCompleterOffersParametersAttributesAndNames() {
        let interpreter = Interpreter(output: { _ in })
        interpreter.register(CommandSpec(name: "fit", parameters: [ParameterSpec("model"), ParameterSpec("epochs", default: 1)]) { _, _ in .none })
        interpreter.register(CommandSpec(name: "Dense", aliases: ["layers.Dense"]) { _, _ in .none })
        interpreter[variable: "epoch_count"] = 3
        let completer = Completer(interpreter: interpreter)
        XCTAssertEqual(completer.candidates(for: "ep", after: "model.fit(x, "), ["epoch_count", "epochs="])
        XCTAssertEqual(completer.candidates(for: "layers.D", after: ""), ["layers.Dense"])
        XCTAssertEqual(completer.candidates(for: "fi", after: ""), ["filter", "fit"])
        XCTAssertEqual(completer.enclosingCall(in: "print(fit(a, [1, 2], "), "fit")
    }

    /// A host object with attributes, standing in for a model or a History.
    private final class Record: HostObject {
        let typeName = "Record"
        let fields: [String: Value]
        init(_ fields: [String: Value]) { self.fields = fields }
        func attribute(_ name: String) throws -> Value? { fields[name] }
        var attributeNames: [String] { fields.keys.sorted() }
    }

    func testCompleterOffersMembersAfterADotOnAnyValue() {
        let interpreter = Interpreter(output: { _ in })
        interpreter.register(CommandSpec(name: "summary", parameters: [ParameterSpec("model", kind: .object)]) { _, _ in .none })
        interpreter.register(CommandSpec(name: "sum_all", parameters: [ParameterSpec("values")]) { _, _ in .none })
        let history = Value.dict(ValueDictionary([("acc", .list([1])), ("val_acc", .list([2])), ("loss", .list([3]))]))
        interpreter[variable: "h"] = .object(Record(["history": history, "epoch": .list([0])]))
        interpreter[variable: "names"] = .list([])
        interpreter[variable: "title"] = .string("x")
        let completer = Completer(interpreter: interpreter)
        XCTAssertEqual(completer.candidates(for: "h.hi", after: ""), ["h.history"])
        XCTAssertEqual(completer.candidates(for: "h.su", after: "print("), ["h.summary"], "commands taking an object are its methods")
        XCTAssertEqual(completer.candidates(for: "h.history.k", after: ""), ["h.history.keys"], "a dict's methods")
        XCTAssertEqual(completer.candidates(for: "h.history.a", after: ""), [], "a dict's keys are not attributes")
        XCTAssertEqual(completer.candidates(for: "names.app", after: ""), ["names.append"])
        XCTAssertEqual(completer.candidates(for: "title.up", after: "x = "), ["title.upper"])
        XCTAssertEqual(completer.candidates(for: "", after: "print(h.history[\""), ["acc", "loss", "val_acc"])
        XCTAssertEqual(completer.candidates(for: "val", after: "h.history['"), ["val_acc"])
        XCTAssertEqual(completer.candidates(for: "sum", after: "help(\""), ["sum", "sum_all", "summary"])
        XCTAssertNil(completer.openQuote(in: "print('a', \"b\") "))
        XCTAssertNil(completer.openQuote(in: "x = 1  # it's"))
    }

    func testCompleterOffersPathsInsideStrings() throws {
        let folder = NSTemporaryDirectory() + "tl-paths-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/data set/cats", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: folder + "/data set/notes.txt", contents: Data())
        FileManager.default.createFile(atPath: folder + "/.hidden", contents: Data())
        var completer = Completer(interpreter: Interpreter(output: { _ in }))
        completer.workingDirectory = { folder }
        XCTAssertEqual(completer.candidates(for: "da", after: "flow(\""), ["data set/"])
        XCTAssertEqual(completer.candidates(for: "data set/", after: "x = '"), ["data set/cats/", "data set/notes.txt"])
        XCTAssertEqual(completer.candidates(for: folder + "/data set/n", after: "open(\""), [folder + "/data set/notes.txt"])
        XCTAssertEqual(completer.candidates(for: "", after: "f('"), ["data set/"], "hidden files only when asked for")
        XCTAssertEqual(completer.candidates(for: ".h", after: "f('"), [".hidden"])
    }
}
