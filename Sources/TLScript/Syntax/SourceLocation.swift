/// A position in a script: 1-based line and column (columns count Unicode scalars).
public struct SourceLocation: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// The text of one script together with its name, so errors can quote the offending line.
public struct SourceFile: Sendable {
    public let name: String
    public let text: String
    /// The lines of `text`, without their terminators.
    public let lines: [Substring]

    public init(name: String, text: String) {
        self.name = name
        self.text = text
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    }

    /// The text of a 1-based line, or nil past the end.
    public func line(_ number: Int) -> String? {
        guard number >= 1, number <= lines.count else { return nil }
        return String(lines[number - 1])
    }

    /// Decodes raw bytes as UTF-8, reporting the line and column of the first invalid byte.
    public static func decode(_ bytes: [UInt8], name: String) throws -> SourceFile {
        // A UTF-8 byte-order mark (Windows editors write one) starts the file without being part of it, as in Python.
        let bytes = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
        var line = 1, column = 1, index = 0
        while index < bytes.count {
            let length = utf8SequenceLength(bytes, at: index)
            guard length > 0 else {
                let shownLine = String(decoding: lineBytes(bytes, containing: index), as: UTF8.self)
                throw ScriptError(.syntax, "syntax error: invalid UTF-8 byte 0x\(String(bytes[index], radix: 16, uppercase: true)) in source",
                                  at: SourceLocation(line: line, column: column), file: name, sourceLine: shownLine)
            }
            if bytes[index] == UInt8(ascii: "\n") { line += 1; column = 1 } else { column += 1 }
            index += length
        }
        return SourceFile(name: name, text: String(decoding: bytes, as: UTF8.self))
    }

    /// The length of the well-formed UTF-8 sequence starting at `index`, or 0 when it is malformed.
    private static func utf8SequenceLength(_ bytes: [UInt8], at index: Int) -> Int {
        let lead = bytes[index]
        let length: Int
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard index + length <= bytes.count else { return 0 }
        for offset in 1..<length where bytes[index + offset] & 0xC0 != 0x80 { return 0 }
        // Reject overlong forms, surrogates and code points past U+10FFFF.
        let second = bytes[index + 1]
        if lead == 0xE0 && second < 0xA0 { return 0 }
        if lead == 0xED && second > 0x9F { return 0 }
        if lead == 0xF0 && second < 0x90 { return 0 }
        if lead == 0xF4 && second > 0x8F { return 0 }
        return length
    }

    private static func lineBytes(_ bytes: [UInt8], containing index: Int) -> ArraySlice<UInt8> {
        var start = index, end = index
        while start > 0 && bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
        while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
        return bytes[start..<end]
    }
}
