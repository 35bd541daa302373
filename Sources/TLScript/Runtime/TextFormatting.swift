import Foundation

/// `'{:.3f}'.format(x)` and `'%.2f' % x`, for the format specifications scripts actually use:
/// fill/align, width, `,`, precision and the types `d f e g % s r`.
enum TextFormatting {
    /// `str.format`: `{}`, `{0}`, with an optional `:spec`.
    static func format(_ template: String, _ arguments: [Value]) throws -> String {
        var output = ""
        var automatic = 0
        var characters = Array(template)[...]
        while let c = characters.popFirst() {
            if c == "{" && characters.first == "{" { characters.removeFirst(); output.append("{"); continue }
            if c == "}" && characters.first == "}" { characters.removeFirst(); output.append("}"); continue }
            guard c == "{" else { output.append(c); continue }
            guard let close = characters.firstIndex(of: "}") else { throw ScriptError(.value, "unmatched '{' in format string") }
            let field = String(characters[..<close])
            characters = characters[characters.index(after: close)...]
            let parts = field.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            let index: Int
            if name.isEmpty { index = automatic; automatic += 1 } else if let i = Int(name) { index = i } else {
                throw ScriptError(.value, "format field '{\(name)}' is not supported; use {} or {0}")
            }
            guard index < arguments.count else {
                throw ScriptError(.index, "format string needs argument \(index) but only \(arguments.count) were given")
            }
            output += try apply(spec: parts.count > 1 ? String(parts[1]) : "", to: arguments[index])
        }
        return output
    }

    /// `template % values` with %d %i %f %e %g %s %r %% and optional width/precision.
    static func percentFormat(_ template: String, _ values: Value) throws -> String {
        let arguments: [Value]
        if case .tuple(let items) = values { arguments = items } else { arguments = [values] }
        var output = ""
        var next = 0
        var characters = Array(template)[...]
        while let c = characters.popFirst() {
            guard c == "%" else { output.append(c); continue }
            var spec = ""
            while let d = characters.first, "0123456789.-+ ".contains(d) { spec.append(d); characters.removeFirst() }
            guard let type = characters.popFirst() else { throw ScriptError(.value, "incomplete format in '\(template)'") }
            if type == "%" { output.append("%"); continue }
            guard next < arguments.count else { throw ScriptError(.type, "not enough arguments for format string") }
            let value = arguments[next]
            next += 1
            let converted: String = switch type {
            case "i", "u": "d"
            case "r": "r"
            default: String(type)
            }
            var alignedSpec = spec
            if spec.hasPrefix("-") { alignedSpec = "<" + spec.dropFirst() } else if !spec.isEmpty && !spec.hasPrefix(".") && !(value.asString != nil) { alignedSpec = ">" + spec }
            output += try apply(spec: alignedSpec + converted, to: value)
        }
        if next < arguments.count { throw ScriptError(.type, "not all arguments converted during string formatting") }
        return output
    }

    /// Applies a format spec `[[fill]align][,][width][.precision][type]`.
    static func apply(spec: String, to value: Value) throws -> String {
        var rest = Substring(spec)
        var fill: Character = " "
        var align: Character?
        if rest.count >= 2, "<>^".contains(rest[rest.index(after: rest.startIndex)]) {
            fill = rest.first!
            align = rest[rest.index(after: rest.startIndex)]
            rest = rest.dropFirst(2)
        } else if let first = rest.first, "<>^".contains(first) {
            align = first
            rest = rest.dropFirst()
        }
        if rest.first == "0" { fill = "0"; align = align ?? "="; rest = rest.dropFirst() }
        let widthDigits = rest.prefix(while: \.isNumber)
        let width = Int(widthDigits) ?? 0
        rest = rest.dropFirst(widthDigits.count)
        let grouping = rest.first == ","
        if grouping { rest = rest.dropFirst() }
        var precision: Int?
        if rest.first == "." {
            rest = rest.dropFirst()
            let digits = rest.prefix(while: \.isNumber)
            precision = Int(digits)
            rest = rest.dropFirst(digits.count)
        }
        let type = rest.first
        guard rest.count <= 1 else { throw ScriptError(.value, "invalid format specification '\(spec)'") }

        var text: String
        switch type {
        case "d":
            guard let i = value.asInt ?? value.asDouble.map({ Int($0) }) else {
                throw ScriptError(.type, "format 'd' needs a number, got \(describeForError(value))")
            }
            text = grouping ? group(String(i)) : String(i)
        case "f", "F", "e", "E", "g", "G", "%":
            guard var x = value.asDouble else { throw ScriptError(.type, "format '\(type!)' needs a number, got \(describeForError(value))") }
            if type == "%" { x *= 100 }
            let cType = type == "%" ? "f" : String(type!)
            text = String(format: "%.\(precision ?? 6)\(cType)", x)
            if grouping { text = group(text) }
            if type == "%" { text += "%" }
        case "s", nil:
            text = value.str
            if let precision, value.asString != nil { text = String(text.prefix(precision)) }
            if type == nil, let precision, case .float(let x) = value {
                text = String(format: "%.\(precision)g", x)
            }
            if grouping, let i = value.asInt { text = group(String(i)) }
        case "r":
            text = value.repr
        default:
            throw ScriptError(.value, "unknown format code '\(type!)' for a \(value.typeName)")
        }
        guard text.count < width else {
            return text
        }
        let padding = width - text.count
        let isNumber = value.asDouble != nil
        switch align ?? (isNumber ? ">" : "<") {
        case "<": return text + String(repeating: fill, count: padding)
        case "^": return String(repeating: fill, count: padding / 2) + text + String(repeating: fill, count: padding - padding / 2)
        case "=":
            if text.hasPrefix("-") { return "-" + String(repeating: fill, count: padding) + text.dropFirst() }
            return String(repeating: fill, count: padding) + text
        default: return String(repeating: fill, count: padding) + text
        }
    }

    /// Inserts thousands separators into the integer part of a number.
    private static func group(_ number: String) -> String {
        let negative = number.hasPrefix("-")
        let unsigned = negative ? String(number.dropFirst()) : number
        let parts = unsigned.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        var integer = String(parts[0])
        var grouped = ""
        while integer.count > 3 {
            grouped = "," + integer.suffix(3) + grouped
            integer.removeLast(3)
        }
        grouped = integer + grouped
        if parts.count > 1 { grouped += "." + parts[1] }
        return (negative ? "-" : "") + grouped
    }
}
