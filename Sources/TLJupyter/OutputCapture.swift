import Foundation
import Glibc

/// The process's own standard output or error, forwarded to the notebook as a stream. tl's commands
/// print through the interpreter, but C libraries (HDF5's error stack, OpenBLAS's warnings) and stray
/// Swift `print`s write to the file descriptors directly; without this they would reach only the
/// terminal that started Jupyter.
final class OutputCapture: @unchecked Sendable {
    private let readEnd: Int32
    private let name: String
    private let forward: (_ name: String, _ text: String) -> Void

    /// Points `descriptor` at a pipe read on a thread of its own; each chunk read goes to `forward`.
    init(descriptor: Int32, name: String, forward: @escaping (_ name: String, _ text: String) -> Void) throws {
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0, dup2(ends[1], descriptor) >= 0 else {
            throw JupyterError("cannot capture the kernel's \(name): \(String(cString: strerror(errno)))")
        }
        close(ends[1])
        readEnd = ends[0]
        self.name = name
        self.forward = forward
        let thread = Thread { [self] in pump() }
        thread.name = "tl kernel \(name)"
        thread.start()
    }

    private func pump() {
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return }
            pending += buffer[..<count]
            // Hold back a multi-byte character cut in two by the read.
            let complete = OutputCapture.completeUTF8Prefix(pending)
            if complete > 0 {
                forward(name, String(decoding: pending[..<complete], as: UTF8.self))
                pending.removeFirst(complete)
            }
        }
    }

    /// How many leading bytes end on a character boundary (a trailing lead byte and its continuation
    /// bytes wait for the rest of the character).
    static func completeUTF8Prefix(_ bytes: [UInt8]) -> Int {
        var index = bytes.count
        var continuation = 0
        while index > 0, continuation < 3, bytes[index - 1] & 0xC0 == 0x80 {
            index -= 1
            continuation += 1
        }
        guard index > 0 else { return bytes.count }
        let lead = bytes[index - 1]
        let needed = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0
        return needed > continuation ? index - 1 : bytes.count
    }
}
