import Foundation

extension ValueMethods {
    static func stringMethod(_ name: String, _ s: String, _ args: ValueMethods.MethodArguments) throws -> Value {
        switch name {
        case "upper": try args.expect(0...0); return .string(s.uppercased())
        case "lower", "casefold": try args.expect(0...0); return .string(s.lowercased())
        case "swapcase":
            try args.expect(0...0)
            return .string(String(s.map { $0.isUppercase ? Character($0.lowercased()) : Character($0.uppercased()) }))
        case "title": try args.expect(0...0); return .string(title(s))
        case "capitalize": try args.expect(0...0); return .string(s.prefix(1).uppercased() + s.dropFirst().lowercased())
        case "strip", "lstrip", "rstrip": return .string(try strip(name, s, args))
        case "split", "rsplit": return try split(name, s, args)
        case "splitlines":
            try args.expect(0...0)
            return .list(splitLines(s).map { .string($0) })
        case "join":
            try args.expect(1...1)
            return .string(try joinedStrings(args[0], separator: s))
        case "startswith", "endswith":
            try args.expect(1...1)
            let candidates = try affixes(args[0], name)
            let text = CodePoints.of(s)
            return .bool(candidates.contains { affix in
                let scalars = CodePoints.of(affix)
                return name == "startswith" ? text.starts(with: scalars) : text.reversed().starts(with: scalars.reversed())
            })
        case "replace":
            try args.expect(2...3)
            return .string(CodePoints.replace(s, try args.string(0), with: try args.string(1), limit: try args.optionalInt(2) ?? -1))
        case "find", "rfind", "index":
            try args.expect(1...1)
            let position = CodePoints.index(of: CodePoints.of(try args.string(0)), in: CodePoints.of(s), fromRight: name == "rfind")
            guard let position else {
                if name == "index" { throw ScriptError(.value, "substring not found") }
                return .int(-1)
            }
            return .int(position)
        case "count":
            try args.expect(1...1)
            let needle = try args.string(0)
            return .int(needle.isEmpty ? CodePoints.count(s) + 1 : CodePoints.occurrences(of: CodePoints.of(needle), in: CodePoints.of(s)).count)
        case "zfill", "center", "ljust", "rjust": return .string(try justify(name, s, args))
        case "partition", "rpartition":
            try args.expect(1...1)
            let separator = try args.string(0)
            guard !separator.isEmpty else { throw ScriptError(.value, "empty separator") }
            let parts = CodePoints.split(s, by: separator, limit: 1, fromRight: name == "rpartition")
            guard parts.count == 2 else {
                return name == "partition" ? .tuple([.string(s), "", ""]) : .tuple(["", "", .string(s)])
            }
            return .tuple([.string(parts[0]), .string(separator), .string(parts[1])])
        case "removeprefix":
            try args.expect(1...1)
            let prefix = try args.string(0)
            let text = CodePoints.of(s), scalars = CodePoints.of(prefix)
            return .string(text.starts(with: scalars) ? CodePoints.string(text.dropFirst(scalars.count)) : s)
        case "removesuffix":
            try args.expect(1...1)
            let suffix = try args.string(0)
            let text = CodePoints.of(s), scalars = CodePoints.of(suffix)
            let matches = !scalars.isEmpty && text.reversed().starts(with: scalars.reversed())
            return .string(matches ? CodePoints.string(text.dropLast(scalars.count)) : s)
        default:
            try args.expect(0...0)
            return .bool(classify(name, s))
        }
    }

    /// `separator.join(iterable)`, failing at the first item that is not a string (as Python does),
    /// before an endless or huge iterable is drained.
    private static func joinedStrings(_ iterable: Value, separator: String) throws -> String {
        let iterator: ValueIterator
        switch iterable {
        case .list(let list): iterator = arrayIterator(list.items)
        case .tuple(let items): iterator = arrayIterator(items)
        case .string(let text): return text.unicodeScalars.map(String.init).joined(separator: separator)
        case .dict(let dict): iterator = arrayIterator(dict.keys)
        case .object(let object):
            guard let objectIterator = try object.makeIterator() else { fallthrough }
            iterator = objectIterator
        default:
            throw ScriptError(.type, "can only join an iterable")
        }
        var strings: [String] = []
        while let item = try iterator.next() {
            guard let text = item.asString else {
                throw ScriptError(.type, "sequence item \(strings.count): expected str instance, \(item.typeName) found")
            }
            strings.append(text)
            if strings.count > Interpreter.maximumSequenceLength { throw ScriptError(.memory, "too many items to join") }
        }
        return strings.joined(separator: separator)
    }

    private static func arrayIterator(_ items: [Value]) -> ValueIterator {
        var position = 0
        return ValueIterator {
            guard position < items.count else { return nil }
            defer { position += 1 }
            return items[position]
        }
    }

    private static func affixes(_ value: Value, _ method: String) throws -> [String] {
        if let text = value.asString { return [text] }
        if case .tuple(let items) = value {
            return try items.map {
                guard let text = $0.asString else { throw ScriptError(.type, "tuple for \(method) must only contain str, not \($0.typeName)") }
                return text
            }
        }
        throw ScriptError(.type, "\(method) first arg must be str or a tuple of str, not \(value.typeName)")
    }

    private static func title(_ s: String) -> String {
        var result = ""
        var previousIsLetter = false
        for c in s {
            result += previousIsLetter ? c.lowercased() : c.uppercased()
            previousIsLetter = c.isLetter
        }
        return result
    }

    private static func strip(_ name: String, _ s: String, _ args: ValueMethods.MethodArguments) throws -> String {
        try args.expect(0...1)
        let characters: Set<Unicode.Scalar>? = args.count == 1 && !args[0].isNone ? Set(try args.string(0).unicodeScalars) : nil
        let shouldStrip: (Unicode.Scalar) -> Bool = { characters?.contains($0) ?? $0.properties.isWhitespace }
        var text = s.unicodeScalars[...]
        if name != "rstrip" { text = text.drop(while: shouldStrip) }
        if name != "lstrip" { while let last = text.last, shouldStrip(last) { text = text.dropLast() } }
        return CodePoints.string(text)
    }

    /// Python's line boundaries (\n, \r, \r\n, \v, \f, \x1c-\x1e, \x85, \u2028, \u2029), on scalars: Swift
    /// treats "\r\n" as one character.
    private static func splitLines(_ s: String) -> [String] {
        let breaks: Set<UInt32> = [0x0A, 0x0D, 0x0B, 0x0C, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029]
        var lines: [String] = []
        var current = String.UnicodeScalarView()
        var scalars = s.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            guard breaks.contains(scalar.value) else { current.append(scalar); continue }
            if scalar == "\r", scalars.first == "\n" { scalars.removeFirst() }
            lines.append(String(current))
            current = String.UnicodeScalarView()
        }
        if !current.isEmpty { lines.append(String(current)) }
        return lines
    }

    /// `split()` / `rsplit()` on runs of whitespace: at most `limit` splits, the rest of the text kept as
    /// it is (only the whitespace at the split end dropped), as Python does.
    private static func splitOnWhitespace(_ s: String, limit: Int, fromRight: Bool) -> [String] {
        let characters = fromRight ? Array(s.reversed()) : Array(s)
        var words: [String] = []
        var index = 0
        while true {
            while index < characters.count, characters[index].isWhitespace { index += 1 }
            guard index < characters.count else { break }
            if limit >= 0, words.count == limit {
                words.append(String(characters[index...]))
                break
            }
            let start = index
            while index < characters.count, !characters[index].isWhitespace { index += 1 }
            words.append(String(characters[start..<index]))
        }
        return fromRight ? words.reversed().map { String($0.reversed()) } : words
    }

    private static func split(_ name: String, _ s: String, _ args: ValueMethods.MethodArguments) throws -> Value {
        try args.expect(0...2, keywords: ["sep", "maxsplit"])
        let separatorValue = args.keywords["sep"] ?? (args.count > 0 ? args[0] : .none)
        let limitValue = args.keywords["maxsplit"] ?? (args.count > 1 ? args[1] : .int(-1))
        let limit = limitValue.asInt ?? -1
        if separatorValue.isNone {
            return .list(splitOnWhitespace(s, limit: limit, fromRight: name == "rsplit").map { .string($0) })
        }
        guard let separator = separatorValue.asString else {
            throw ScriptError(.type, "must be str or None, not \(separatorValue.typeName)")
        }
        guard !separator.isEmpty else { throw ScriptError(.value, "empty separator") }
        return .list(CodePoints.split(s, by: separator, limit: limit, fromRight: name == "rsplit").map { .string($0) })
    }

    private static func justify(_ name: String, _ s: String, _ args: ValueMethods.MethodArguments) throws -> String {
        try args.expect(name == "zfill" ? 1...1 : 1...2)
        guard let width = try args.optionalInt(0) else { throw ScriptError(.type, "an integer is required") }
        guard width <= TextFormatting.maximumPrecision * 100 else { throw ScriptError(.memory, "\(name)() width is too large") }
        let length = CodePoints.count(s)
        guard width > length else { return s }
        let padding = width - length
        if name == "zfill" {
            if let first = s.first, first == "-" || first == "+" { return String(first) + String(repeating: "0", count: padding) + s.dropFirst() }
            return String(repeating: "0", count: padding) + s
        }
        let fillText = args.count > 1 ? try args.string(1) : " "
        guard fillText.count == 1 else { throw ScriptError(.type, "The fill character must be exactly one character long") }
        let fill = fillText
        switch name {
        case "ljust": return s + String(repeating: fill, count: padding)
        case "rjust": return String(repeating: fill, count: padding) + s
        default:
            // CPython's rule: an odd padding puts its extra character on the left only when the width is odd too.
            let left = padding / 2 + (padding & width & 1)
            return String(repeating: fill, count: left) + s + String(repeating: fill, count: padding - left)
        }
    }

    private static func classify(_ name: String, _ s: String) -> Bool {
        guard !s.isEmpty else { return false }
        switch name {
        case "isdigit", "isnumeric", "isdecimal": return s.allSatisfy(\.isNumber)
        case "isalpha": return s.allSatisfy(\.isLetter)
        case "isalnum": return s.allSatisfy { $0.isLetter || $0.isNumber }
        case "isspace": return s.allSatisfy(\.isWhitespace)
        case "isupper": return s.contains(where: \.isCased) && !s.contains(where: \.isLowercase)
        default: return s.contains(where: \.isCased) && !s.contains(where: \.isUppercase)
        }
    }
}
