import Foundation
import Glibc

/// The controlling side of a pseudo-terminal that a test types into and reads from, pexpect-style.
///
/// Keys must be typed only while libedit is reading keys, never ahead: after the prompt has appeared AND
/// the terminal has left canonical mode (libedit may print the prompt a moment before it switches modes,
/// and switches back when a line is entered). A key typed in canonical mode is handled by the kernel's
/// line discipline instead: echoed a second time, and Ctrl-D turned into an end-of-file marker that
/// libedit never sees as Ctrl-D. ``expect(_:file:line:)`` matches output in order: each match starts after
/// the previous one, so a prompt redrawn by line editing or shown earlier cannot satisfy a later wait.
/// After one timeout every later wait fails at once, so a broken session costs one timeout, not one a step.
public final class PseudoTerminal {
    /// The controlling descriptor: typed keys go in, the program's output comes out.
    public var master: Int32
    /// Where the terminal's settings are read (the master reports the slave's on Linux; either works).
    public let settingsDescriptor: Int32
    public let timeout: TimeInterval
    public private(set) var output: [UInt8] = []
    public private(set) var timedOut = false
    private var matchedUpTo = 0
    /// Reports a failed expectation (XCTFail in the tests; this target does not link XCTest).
    private let fail: (String, StaticString, UInt) -> Void

    public init(master: Int32, settingsDescriptor: Int32, timeout: TimeInterval,
                fail: @escaping (String, StaticString, UInt) -> Void) {
        self.master = master
        self.settingsDescriptor = settingsDescriptor
        self.timeout = timeout
        self.fail = fail
    }

    /// Everything read so far.
    public var transcript: String { String(decoding: output, as: UTF8.self) }

    /// Writes `text` to the terminal as typed keys.
    public func type(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBufferPointer { write(master, $0.baseAddress!, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return fail("could not type into the terminal: \(String(cString: strerror(errno)))", file, line) }
            offset += written
        }
    }

    /// Reads whatever output arrives within `milliseconds`.
    public func readOutput(waitingUpTo milliseconds: Int32) {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 65536)
        let count = read(master, &buffer, buffer.count)
        if count > 0 { output += buffer[..<count] } else { usleep(10_000) }  // EIO once the program has exited
    }

    private func firstIndex(of needle: [UInt8], from start: Int) -> Int? {
        guard output.count - start >= needle.count else { return nil }
        return (start...(output.count - needle.count)).first { output[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    /// Reads output until `text` appears after the previous match; returns the output between the two
    /// matches, or nil after a timeout.
    @discardableResult
    public func expect(_ text: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        let needle = Array(text.utf8)
        let deadline = Date().addingTimeInterval(timeout)
        while !timedOut {
            if let index = firstIndex(of: needle, from: matchedUpTo) {
                defer { matchedUpTo = index + needle.count }
                return String(decoding: output[matchedUpTo..<index], as: UTF8.self)
            }
            if Date() > deadline {
                timedOut = true
                fail("timed out waiting for \(text.debugDescription); transcript (end):\n\(transcript.suffix(4000))", file, line)
            } else {
                readOutput(waitingUpTo: 100)
            }
        }
        return nil
    }

    /// Waits for `prompt`, then until libedit has put the terminal in character mode to read keys.
    public func expectPrompt(_ prompt: String = ">>> ", file: StaticString = #filePath, line: UInt = #line) {
        guard expect(prompt, file: file, line: line) != nil else { return }
        let deadline = Date().addingTimeInterval(timeout)
        var settings = termios()
        while tcgetattr(settingsDescriptor, &settings) == 0 && settings.c_lflag & tcflag_t(ICANON) != 0 {
            guard Date() < deadline else {
                timedOut = true
                return fail("the terminal stayed in canonical mode after the prompt; transcript (end):\n\(transcript.suffix(4000))", file, line)
            }
            usleep(200)
        }
    }

    /// Marks the session as broken: later waits fail at once.
    public func giveUp() { timedOut = true }
}
