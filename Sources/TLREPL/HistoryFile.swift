import Foundation
import Glibc
import TLFileSystem

/// The history file (`~/.tl_history`): one entry per submitted input, a multi-line block being one
/// entry, written the moment it is entered so a killed session keeps what was typed.
///
/// The format is libedit's (`_HiStOrY_V2_`, then one entry per line with spaces, newlines, tabs and
/// backslashes vis(3)-encoded as `\040`, `\012`, `\011`, `\\`), so files written by earlier tl versions
/// read back. libedit's own `append_history` is not used: it wrote each entry twice (it appends the
/// last n + 1 entries). Every change happens under an exclusive `flock` on `PATH.lock`, so two sessions
/// appending at once neither lose nor interleave entries; an entry equal to the file's last one is not
/// added again, and the file is cut back to the newest `limit` entries (atomically) when it grows past it.
public struct HistoryFile {
    public let path: String
    /// The most entries kept: `TL_HISTORY_SIZE`, by default 10,000; 0 keeps no history.
    public let limit: Int

    static let header = "_HiStOrY_V2_"
    public static let defaultLimit = 10_000

    public init(path: String, limit: Int) {
        self.path = path
        self.limit = max(0, limit)
    }

    /// The limit from `TL_HISTORY_SIZE` (a non-negative integer), or the default when unset or invalid.
    public static func limit(fromEnvironment environment: [String: String]) -> Int {
        guard let text = environment["TL_HISTORY_SIZE"], let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 0 else {
            return defaultLimit
        }
        return value
    }

    /// The entries in the file, oldest first, adjacent duplicates folded (older files held each entry
    /// twice), at most `limit` of them.
    public func load() -> [String] {
        guard limit > 0, let data = FileManager.default.contents(atPath: path) else { return [] }
        return Array(HistoryFile.decodeEntries(String(decoding: data, as: UTF8.self)).suffix(limit))
    }

    /// Appends `entry` unless it is blank or equal to the file's last entry; returns whether it was written.
    @discardableResult
    public func append(_ entry: String) throws -> Bool {
        guard limit > 0, !entry.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return false }
        return try withExclusiveLock {
            let existing = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
            let entries = HistoryFile.decodeEntries(existing)
            if entries.last == entry { return false }
            if entries.count + 1 > limit || !existing.hasPrefix(HistoryFile.header) {
                try rewrite(Array((entries + [entry]).suffix(limit)))
            } else {
                try appendLine(HistoryFile.encode(entry))
            }
            return true
        }
    }

    private func appendLine(_ line: String) throws {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw HistoryError(path: path, action: "open", code: errno) }
        defer { close(descriptor) }
        let bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBufferPointer { write(descriptor, $0.baseAddress!, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { throw HistoryError(path: path, action: "write", code: errno) }
            offset += written
        }
    }

    private func rewrite(_ entries: [String]) throws {
        let text = ([HistoryFile.header] + entries.map(HistoryFile.encode)).joined(separator: "\n") + "\n"
        try writeAtomically(Data(text.utf8), to: path)
        chmod(path, 0o600)
    }

    private func withExclusiveLock<T>(_ body: () throws -> T) throws -> T {
        let lockPath = path + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw HistoryError(path: lockPath, action: "open", code: errno) }
        defer { close(descriptor) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw HistoryError(path: lockPath, action: "lock", code: errno) }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    // MARK: The vis(3) encoding libedit uses

    /// One entry as one line: whitespace, backslashes and control characters as `\ooo` or `\\`.
    static func encode(_ entry: String) -> String {
        var line: [UInt8] = []
        for byte in entry.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): line += [byte, byte]
            case 0..<0x21, 0x7F: line += Array(("\\" + String(format: "%03o", byte)).utf8)
            default: line.append(byte)
            }
        }
        return String(decoding: line, as: UTF8.self)
    }

    /// Decodes `\ooo`, `\\`, `\s`, `\n`, `\t`, `\M-x` and `\^x` (what vis(3) writes); other bytes stand for themselves.
    static func decode(_ line: Substring) -> String {
        let bytes = Array(line.utf8)
        var out: [UInt8] = []
        var index = 0
        func isOctal(_ i: Int) -> Bool { i < bytes.count && bytes[i] >= UInt8(ascii: "0") && bytes[i] <= UInt8(ascii: "7") }
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count else {
                out.append(bytes[index]); index += 1; continue
            }
            let next = bytes[index + 1]
            if isOctal(index + 1) && isOctal(index + 2) && isOctal(index + 3) {
                let value = bytes[(index + 1)...(index + 3)].reduce(0) { $0 * 8 + Int($1 - UInt8(ascii: "0")) }
                out.append(UInt8(truncatingIfNeeded: value)); index += 4
            } else if next == UInt8(ascii: "M"), index + 3 < bytes.count, bytes[index + 2] == UInt8(ascii: "-") {
                out.append(bytes[index + 3] | 0x80); index += 4
            } else if next == UInt8(ascii: "^"), index + 2 < bytes.count {
                out.append(bytes[index + 2] == UInt8(ascii: "?") ? 0x7F : bytes[index + 2] & 0x1F); index += 3
            } else {
                switch next {
                case UInt8(ascii: "s"): out.append(0x20)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                default: out.append(next)
                }
                index += 2
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The entries of a file's text, adjacent duplicates folded.
    static func decodeEntries(_ text: String) -> [String] {
        var entries: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) where line != header {
            let entry = decode(line)
            if entries.last != entry { entries.append(entry) }
        }
        return entries
    }
}

/// A history file that could not be opened, locked or written (reported once; the session goes on).
public struct HistoryError: Error, CustomStringConvertible {
    public let path: String
    public let action: String
    public let code: Int32
    public var description: String { "cannot \(action) the history file '\(path)': \(String(cString: strerror(code)))" }
}
