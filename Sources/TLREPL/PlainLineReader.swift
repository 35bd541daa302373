import Glibc

/// Reads lines from a non-terminal file descriptor (piped input), without prompts or editing, so
/// `echo 'print(1)' | tl` behaves like running a script.
final class PlainLineReader: LineReader {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var reachedEnd = false

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    func readLine(prompt: String) -> LineReadResult {
        // A Ctrl-C from now on interrupts this read or, once the line is read, a wait for an abandoned
        // statement (StatementRunner); one from before does neither.
        SignalHandling.editInterrupted.store(false, ordering: .relaxed)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = buffer[..<newline]
                buffer.removeSubrange(...newline)
                return .line(String(decoding: line, as: UTF8.self))
            }
            if reachedEnd {
                guard !buffer.isEmpty else { return .endOfInput }
                defer { buffer.removeAll() }
                return .line(String(decoding: buffer, as: UTF8.self))
            }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(descriptor, &chunk, chunk.count)
            if count < 0 && errno == EINTR { return .interrupted }
            if count <= 0 { reachedEnd = true } else { buffer += chunk[..<count] }
        }
    }

    func addHistory(_ entry: String) {}
}
