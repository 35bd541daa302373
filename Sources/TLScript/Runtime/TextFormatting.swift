import Foundation

/// Python's format mini-language (`format(x, spec)`, f-string fields, `str.format`) and `%`
/// formatting, with Python's errors. Absurd precisions and widths are refused at once rather than
/// building gigabytes of text.
enum TextFormatting {
    /// The largest precision or width accepted; far beyond what any output needs.
    static let maximumPrecision = 10_000

    /// `format(value, spec)`: objects format themselves or as the number they stand for.
    static func format(_ value: Value, spec: String) throws -> String {
        if case .object(let object) = value {
            if let text = try object.formatted(spec: spec) { return text }
            if spec.isEmpty { return value.str }
            if let scalar = try object.scalarValue() { return try format(scalar, spec: spec) }
            throw ScriptError(.type, "unsupported format string passed to \(object.typeName).__format__")
        }
        return try apply(spec: spec, to: value)
    }

    /// A parsed `[[fill]align][sign][#][0][width][,|_][.precision][type]`.
    struct Spec {
        var fill: Character = " "
        var align: Character?
        var sign: Character = "-"
        var alternate = false
        var width = 0
        var grouping: Character?
        var precision: Int?
        var type: Character?

        init(_ text: String) throws {
            var rest = Substring(text)
            if rest.count >= 2, "<>^=".contains(rest[rest.index(after: rest.startIndex)]) {
                fill = rest.first!
                align = rest[rest.index(after: rest.startIndex)]
                rest = rest.dropFirst(2)
            } else if let first = rest.first, "<>^=".contains(first) {
                align = first
                rest = rest.dropFirst()
            }
            if let first = rest.first, "+- ".contains(first) { sign = first; rest = rest.dropFirst() }
            if rest.first == "#" { alternate = true; rest = rest.dropFirst() }
            if rest.first == "0" {
                if align == nil { fill = "0"; align = "=" }
                rest = rest.dropFirst()
            }
            width = try Spec.number(&rest, text) ?? 0
            if let first = rest.first, first == "," || first == "_" { grouping = first; rest = rest.dropFirst() }
            if rest.first == "." {
                rest = rest.dropFirst()
                guard let digits = try Spec.number(&rest, text) else { throw ScriptError(.value, "Format specifier missing precision") }
                precision = digits
            }
            type = rest.first
            guard rest.count <= 1 else { throw ScriptError(.value, "Invalid format specifier '\(text)'") }
        }

        private static func number(_ rest: inout Substring, _ text: String) throws -> Int? {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty else { return nil }
            rest = rest.dropFirst(digits.count)
            guard digits.count <= 9, let value = Int(digits), value <= TextFormatting.maximumPrecision else {
                throw ScriptError(.value, "precision too big")
            }
            return value
        }
    }

    /// Applies a format spec to a built-in value, as Python's `__format__` methods do.
    static func apply(spec text: String, to value: Value) throws -> String {
        let spec = try Spec(text)
        let body: String
        switch value {
        case .bool(let b) where text.isEmpty:
            return b ? "True" : "False"
        case .int, .bool:
            body = try formatInteger(value.asInt!, spec)
        case .float(let x):
            body = try formatFloat(x, spec)
        case .string(let s):
            guard spec.type == nil || spec.type == "s" else {
                throw ScriptError(.value, "Unknown format code '\(spec.type!)' for object of type 'str'")
            }
            if spec.sign != "-" { throw ScriptError(.value, "Sign not allowed in string format specifier") }
            body = spec.precision.map { CodePoints.string(s.unicodeScalars.prefix($0)) } ?? s
        default:
            guard text.isEmpty else { throw ScriptError(.type, "unsupported format string passed to \(value.typeName).__format__") }
            return value.str
        }
        return pad(body, spec, numeric: value.asDouble != nil)
    }

    private static func formatInteger(_ i: Int, _ spec: Spec) throws -> String {
        switch spec.type {
        case nil, "d", "n":
            return signed(i < 0, group(i.magnitude.description, spec.grouping), spec)
        case "b", "o", "x", "X":
            let radix = spec.type == "b" ? 2 : spec.type == "o" ? 8 : 16
            var digits = String(i.magnitude, radix: radix, uppercase: spec.type == "X")
            // `_` groups binary, octal and hex digits by four, as Python does.
            if spec.grouping == "_" { digits = group(digits, "_", size: 4) }
            if spec.alternate { digits = "0" + String(spec.type!) + digits }
            return signed(i < 0, digits, spec)
        case "c":
            guard let code = UInt32(exactly: i), let scalar = Unicode.Scalar(code) else {
                throw ScriptError(.overflow, "%c arg not in range(0x110000)")
            }
            return String(Character(scalar))
        case "e", "E", "f", "F", "g", "G", "%":
            return try formatFloat(Double(i), spec)
        default:
            throw ScriptError(.value, "Unknown format code '\(spec.type!)' for object of type 'int'")
        }
    }

    private static func formatFloat(_ x: Double, _ spec: Spec) throws -> String {
        let negative = x.sign == .minus && !x.isNaN
        let magnitude = abs(x)
        var digits: String
        switch spec.type {
        case nil:
            if let precision = spec.precision {
                digits = cFormat(magnitude, "g", max(precision, 1), alternate: spec.alternate)
                if magnitude.isFinite, !digits.contains("e"), !digits.contains(".") { digits += ".0" }
            } else {
                digits = formatFloatRepr(magnitude)
            }
        case "f", "F", "e", "E", "g", "G", "n":
            let type: Character = spec.type == "n" ? "g" : spec.type!
            digits = cFormat(magnitude, type, spec.precision ?? 6, alternate: spec.alternate)
        case "%":
            digits = cFormat(magnitude * 100, "f", spec.precision ?? 6, alternate: spec.alternate) + "%"
        default:
            throw ScriptError(.value, "Unknown format code '\(spec.type!)' for object of type 'float'")
        }
        if spec.grouping != nil, magnitude.isFinite {
            let parts = digits.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            digits = group(String(parts[0]), spec.grouping) + (parts.count > 1 ? "." + parts[1] : "")
        }
        return signed(negative, digits, spec)
    }

    private static func formatFloatRepr(_ magnitude: Double) -> String { TLScript.formatFloat(magnitude) }

    /// C's printf for one double; precision is already bounded.
    private static func cFormat(_ x: Double, _ type: Character, _ precision: Int, alternate: Bool) -> String {
        if x.isNaN { return type.isUppercase ? "NAN" : "nan" }
        if x.isInfinite { return type.isUppercase ? "INF" : "inf" }
        return String(format: "%\(alternate ? "#" : "").\(precision)\(type)", x)
    }

    private static func signed(_ negative: Bool, _ digits: String, _ spec: Spec) -> String {
        if negative { return "-" + digits }
        switch spec.sign {
        case "+": return "+" + digits
        case " ": return " " + digits
        default: return digits
        }
    }

    private static func pad(_ text: String, _ spec: Spec, numeric: Bool) -> String {
        let padding = spec.width - CodePoints.count(text)
        guard padding > 0 else { return text }
        let fill = String(repeating: spec.fill, count: padding)
        switch spec.align ?? (numeric ? ">" : "<") {
        case "<": return text + fill
        case "^": return String(repeating: spec.fill, count: padding / 2) + text + String(repeating: spec.fill, count: padding - padding / 2)
        case "=":
            if let first = text.first, "+- ".contains(first) { return String(first) + fill + text.dropFirst() }
            return fill + text
        default: return fill + text
        }
    }

    /// Inserts separators into a run of digits, every `size` from the right (thousands by default).
    private static func group(_ digits: String, _ separator: Character?, size: Int = 3) -> String {
        guard let separator, digits.allSatisfy(\.isHexDigit) else { return digits }
        var remaining = digits
        var grouped = ""
        while remaining.count > size {
            grouped = String(separator) + remaining.suffix(size) + grouped
            remaining.removeLast(size)
        }
        return remaining + grouped
    }

    /// The decimal digits of an integral double, exactly (`"%d" % 1e19` is `10000000000000000000`).
    static func exactIntegerDigits(_ x: Double) -> String {
        var digits: [UInt8] = [0]   // little-endian decimal digits
        func multiply(by factor: UInt8, adding addend: UInt8 = 0) {
            var carry = Int(addend)
            for index in digits.indices {
                let product = Int(digits[index]) * Int(factor) + carry
                digits[index] = UInt8(product % 10)
                carry = product / 10
            }
            while carry > 0 { digits.append(UInt8(carry % 10)); carry /= 10 }
        }
        let magnitude = abs(x.rounded(.towardZero))
        guard magnitude >= 1 else { return "0" }
        let significand = UInt64(magnitude.significandBitPattern) | (magnitude.exponent >= 0 ? 1 << 52 : 0)
        let exponent = Int(magnitude.exponent) - 52
        var bits = significand
        var shift = exponent
        if shift < 0 { bits >>= UInt64(-shift); shift = 0 }
        for bit in (0..<64).reversed() { multiply(by: 2, adding: UInt8((bits >> UInt64(bit)) & 1)) }
        for _ in 0..<shift { multiply(by: 2) }
        while digits.count > 1 && digits.last == 0 { digits.removeLast() }
        return (x < 0 && magnitude != 0 ? "-" : "") + String(digits.reversed().map { Character(String($0)) })
    }
}
