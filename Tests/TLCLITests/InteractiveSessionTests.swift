import Foundation
import Glibc
import XCTest

/// Starts the real `tl` on a pseudo-terminal (forkpty: the terminal is its controlling terminal, so a
/// typed Ctrl-C signals it as it would a user's) and types into it.
///
/// Keys are typed only while libedit is reading keys: after the prompt has appeared and the terminal
/// has left canonical mode. A key typed ahead is handled by the kernel's line discipline instead
/// (echoed twice; Ctrl-D becomes an end-of-file marker that libedit never sees as Ctrl-D), which makes
/// transcripts and endings depend on timing. Output is matched pexpect-style, each match after the
/// previous one.
final class InteractiveSessionTests: XCTestCase {
    static let timeout: TimeInterval = 30

    private var binary: TLBinary!
    private var master: Int32 = -1
    private var child: pid_t = 0
    private var exitStatus: Int32?
    private var output: [UInt8] = []
    private var matchedUpTo = 0
    private var timedOut = false

    override func tearDownWithError() throws {
        if child > 0 && exitStatus == nil {
            kill(child, SIGKILL)
            var status: Int32 = 0
            waitpid(child, &status, 0)
        }
        if master >= 0 { close(master) }
        binary?.removeHome()
    }

    private var transcript: String { String(decoding: output, as: UTF8.self) }

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
    }

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

    private func readOutput(waitingUpTo milliseconds: Int32) {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = read(master, &buffer, buffer.count)
        if count > 0 { output += buffer[..<count] } else { usleep(10_000) }  // EIO once tl has exited
    }

    private func firstIndex(of needle: [UInt8], from start: Int) -> Int? {
        guard output.count - start >= needle.count else { return nil }
        return (start...(output.count - needle.count)).first { output[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// Reads output until `text` appears after the previous match; returns the output before it.
    /// After one timeout the following calls fail at once.
    @discardableResult
    private func expect(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        let needle = Array(text.utf8)
        let deadline = Date().addingTimeInterval(Self.timeout)
        while !timedOut {
            if let index = firstIndex(of: needle, from: matchedUpTo) {
                defer { matchedUpTo = index + needle.count }
                return String(decoding: output[matchedUpTo..<index], as: UTF8.self)
            }
            if Date() > deadline {
                timedOut = true
                XCTFail("timed out waiting for \(text.debugDescription); transcript (end):\n\(transcript.suffix(4000))", file: file, line: line)
            } else {
                readOutput(waitingUpTo: 100)
            }
        }
        return nil
    }

    /// Waits for the prompt, then until libedit has put the terminal in character mode.
    private func expectPrompt(_ prompt: String = ">>> ", file: StaticString = #filePath, line: UInt = #line) {
        guard expect(prompt, file: file, line: line) != nil else { return }
        let deadline = Date().addingTimeInterval(Self.timeout)
        var settings = termios()
        // On Linux the master reports the terminal's (the slave's) settings.
        while tcgetattr(master, &settings) == 0 && settings.c_lflag & tcflag_t(ICANON) != 0 {
            guard Date() < deadline else {
                timedOut = true
                return XCTFail("the terminal stayed in canonical mode after the prompt", file: file, line: line)
            }
            usleep(200)
        }
    }

    private func enter(_ line: String, expecting outputs: String..., file: StaticString = #filePath, line sourceLine: UInt = #line) {
        type(line + "\n")
        for text in outputs { expect(text, file: file, line: sourceLine) }
        expectPrompt(file: file, line: sourceLine)
    }

    /// Waits for tl to exit and returns its exit code (nil after a timeout or a signal).
    private func waitForExit() -> Int32? {
        let deadline = Date().addingTimeInterval(Self.timeout)
        var status: Int32 = 0
        while Date() < deadline {
            readOutput(waitingUpTo: 20)
            if waitpid(child, &status, WNOHANG) == child {
                exitStatus = status
                return status & 0x7f == 0 ? (status >> 8) & 0xff : nil
            }
        }
        return nil
    }

    func testTrainInterruptInspectRecallCompleteAndQuit() throws {
        try start()
        expect("Ctrl-D quits")
        expectPrompt()
        enter("keep = 41")
        enter("m = sequential()")
        enter(#"m.add(dense(4, activation="relu", input_dim=2))"#)
        enter(#"m.add(dense(1, activation="sigmoid"))"#)
        enter(#"compile(m, optimizer="rmsprop", loss="binary_crossentropy", metrics=["acc"])"#)
        enter("x = [[0,0],[0,1],[1,0],[1,1]] * 500")
        enter("y = [0,1,1,0] * 500")

        // Long enough to interrupt: Ctrl-C once an epoch has finished stops fit at the next batch.
        type("h = fit(m, x, y, epochs=200, batch_size=1)\n")
        expect("Epoch 2/200")
        type("\u{03}")
        expect("interrupted at epoch ")
        let epoch = expect(",").flatMap { Int($0) }
        XCTAssertNotNil(epoch, "no epoch number after 'interrupted at epoch'")
        expectPrompt()

        // fit returns its History after an interruption: h holds the finished epochs.
        if let epoch { enter(#"len(h.history["loss"])"#, expecting: "\r\n\(epoch - 1)\r\n") }
        enter("h", expecting: "History: ", "(interrupted at epoch")
        // The variable defined before the interruption survives; up arrow recalls the last statement.
        enter("keep", expecting: "41\r\n")
        enter("\u{1B}[A", expecting: "41\r\n")
        // Tab completes a command name, then a keyword argument (checked in the history below).
        enter("compi\t(m, optimizer=\"rmsprop\", loss=\"binary_crossentropy\", metrics=[\"acc\"])")
        enter("evaluate(m, x, y, verb\t1)", expecting: "loss: ", " - acc: ")

        type("\u{04}")
        XCTAssertEqual(waitForExit(), 0, "tl did not exit with status 0 on Ctrl-D; transcript (end):\n\(transcript.suffix(4000))")
        // libedit stores history entries vis(3)-encoded: spaces become \040.
        let history = try String(contentsOf: binary.home.appendingPathComponent(".tl_history"), encoding: .utf8)
            .replacingOccurrences(of: "\\040", with: " ")
        XCTAssertTrue(history.contains(#"compile(m, optimizer="rmsprop""#), history)
        XCTAssertTrue(history.contains("evaluate(m, x, y, verbose=1)"), history)
    }
}
