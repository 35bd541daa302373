import Foundation
import XCTest
import TLTestSupport

/// The prompt of the real binary as a user meets it: history shared by sessions, completion after a dot,
/// inside strings and in calls, entry numbers in error locations, `last_error()`.
final class PromptTests: XCTestCase {
    private var binary: TLBinary!

    override func setUpWithError() throws {
        binary = try TLBinary()
    }

    override func tearDown() {
        binary?.removeHome()
    }

    /// The history file's entries, decoded from libedit's vis(3) encoding.
    private func historyEntries() throws -> [String] {
        let text = try String(contentsOf: binary.home.appendingPathComponent(".tl_history"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map {
            $0.replacingOccurrences(of: "\\040", with: " ").replacingOccurrences(of: "\\012", with: "\n")
        }
    }

    private func startSession() throws -> TerminalSession {
        let session = try TerminalSession(binary: binary)
        session.terminal.expect("Ctrl-D quits")
        session.terminal.expectPrompt()
        return session
    }

    /// Typed non-ASCII text reaches the interpreter whole, whatever the locale (in the C locale libedit
    /// used to drop every non-ASCII character: "héllo" ran as "hllo").
    func testNonASCIITextTypedAtThePromptIsKept() throws {
        let session = try startSession()
        session.enter("print(len(\"héllo ✓ 日本\"), \"Précision\")", expecting: "10 Précision\r\n")
        XCTAssertEqual(session.quit(), 0)
    }

    func testTwoSessionsShareOneHistoryWithOneEntryPerInput() throws {
        let first = try startSession(), second = try startSession()
        first.enter("a = 1")
        second.enter("b = 2")
        first.enter("for i in range(3):", prompt: "... ")
        first.enter("    a += i", prompt: "... ")
        first.enter("")
        first.enter("a", expecting: "4\r\n")
        first.enter("a", expecting: "4\r\n")
        second.enter("b", expecting: "2\r\n")
        XCTAssertEqual(first.quit(), 0)
        XCTAssertEqual(second.quit(), 0)
        XCTAssertEqual(try historyEntries(), ["a = 1", "b = 2", "for i in range(3):\n    a += i", "a", "b"])

        // A new session recalls each entry with one Up: Up Up gives "a", not a duplicate "b".
        let third = try startSession()
        third.enter("a = 10")
        third.enter("b = 20")
        third.enter("\u{1B}[A\u{1B}[A\u{1B}[A", expecting: "20\r\n")
        // Typed entries are on disk at once: a session killed without a chance to save keeps them.
        third.enter("kept = 'yes'")
        third.killHard()
        XCTAssertEqual(try historyEntries().suffix(4), ["a = 10", "b = 20", "b", "kept = 'yes'"])
    }

    func testTheHistoryIsBoundedByTLHistorySize() throws {
        let session = try TerminalSession(binary: binary, environment: ["TL_HISTORY_SIZE": "3"])
        session.terminal.expectPrompt()
        for index in 1...5 { session.enter("x\(index) = \(index)") }
        XCTAssertEqual(session.quit(), 0)
        XCTAssertEqual(try historyEntries(), ["x3 = 3", "x4 = 4", "x5 = 5"])
    }

    func testTabCompletesAttributesDictKeysPathsAndMethodArguments() throws {
        try FileManager.default.createDirectory(at: binary.home.appendingPathComponent("photo_folder/cats"), withIntermediateDirectories: true)
        let session = try startSession()
        session.enter("m = sequential()")
        session.enter("m.add(dense(2, input_dim=3))")
        // A model's method (a command taking it first), a dict's method, a dict's key, an attribute.
        session.enter("m.summa\t()", expecting: "Total params: 8")
        session.enter(#"h = {"val_accuracy": [0.5], "loss": [1.0]}"#)
        session.enter("h.ke\t()", expecting: "['val_accuracy', 'loss']")
        session.enter("h[\"val\t\"]", expecting: "[0.5]")
        session.enter("m.trainabl\t", expecting: "True")
        // A path inside a string: folder names complete with their slash.
        session.enter("len(\"photo_f\tca\t\")", expecting: "\r\n18\r\n")
        // The keyword arguments of a method call.
        session.enter("m.compile(optimizer=\"sgd\", loss=\"mse\", metr\t[\"acc\"])")
        session.enter("m.fit([[1, 2, 3]], [[1, 2]], verbose=0, epo\t2).epoch", expecting: "[0, 1]")
        XCTAssertEqual(session.quit(), 0)
        let history = try historyEntries()
        XCTAssertTrue(history.contains("m.summary()"), "\(history)")
        XCTAssertTrue(history.contains(#"len("photo_folder/cats/")"#), "\(history)")
    }

    func testErrorsNameTheirEntryAndLastErrorReprintsTheLast() throws {
        let session = try startSession()
        session.enter("x = 1")
        session.enter("def half(v):", prompt: "... ")
        session.enter("    return v / 0", prompt: "... ")
        session.enter("")
        session.enter("half(x)", expecting: "<stdin-2>:2:", "division by zero")
        session.enter("y = 2")
        session.enter("last_error()", expecting: "<stdin-2>:2:", "division by zero")
        XCTAssertEqual(session.quit(), 0)
    }

    /// A command blocked in a system call (weights read from a FIFO no one writes) ignores Ctrl-C; a
    /// second one within a second brings the prompt back. The next statement waits for the abandoned
    /// one (Ctrl-C stops waiting) and runs once it has ended (when the FIFO is opened and closed, the
    /// read ends); Ctrl-D quits even while one is still blocked.
    func testASecondCtrlCBringsThePromptBackFromABlockedCommand() throws {
        let fifo = binary.home.appendingPathComponent("stuck.h5").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        let session = try startSession()
        session.enter("keep = 41")
        session.enter("m = sequential()")
        session.enter("m.add(dense(1, input_dim=1))")
        func blockAndPressCtrlCTwice() {
            session.terminal.type("load_weights(m, \"stuck.h5\")\n")
            usleep(500_000)
            session.terminal.type("\u{03}")
            usleep(200_000)
            session.terminal.type("\u{03}")
            session.terminal.expect("the command did not stop at the first Ctrl-C")
            session.terminal.expectPrompt()
        }
        blockAndPressCtrlCTwice()
        session.terminal.type("keep + 1\n")
        session.terminal.expect("waiting for the interrupted command")
        session.terminal.type("\u{03}")
        session.terminal.expect("this statement did not run")
        session.terminal.expectPrompt()

        session.terminal.type("keep + 1\n")
        session.terminal.expect("waiting for the interrupted command")
        let writer = open(fifo, O_WRONLY)
        XCTAssertGreaterThanOrEqual(writer, 0, "the blocked read holds the FIFO open")
        close(writer)
        session.terminal.expect("42\r\n")
        session.terminal.expectPrompt()

        blockAndPressCtrlCTwice()
        XCTAssertEqual(session.quit(), 0)
        XCTAssertTrue(session.terminal.transcript.contains("leaving the interrupted command behind"))
    }
}
