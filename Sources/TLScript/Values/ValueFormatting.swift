/// Formats a Double as Python's `repr` does: the shortest digits that round-trip, fixed notation for
/// exponents in [-4, 16), scientific otherwise (`0.1`, `1.0`, `2e-05`, `1e+16`).
public func formatFloat(_ value: Double) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
    // Swift's description is already the shortest round-trip form; only the layout differs from Python.
    let (negative, digits, exponent) = decimalDigits(of: value)
    var text: String
    if exponent < -4 || exponent >= 16 {
        text = String(digits.first!)
        if digits.count > 1 { text += "." + digits.dropFirst() }
        text += "e" + (exponent < 0 ? "-" : "+") + (abs(exponent) < 10 ? "0" : "") + String(abs(exponent))
    } else if exponent < 0 {
        text = "0." + String(repeating: "0", count: -exponent - 1) + digits
    } else if digits.count > exponent + 1 {
        let split = digits.index(digits.startIndex, offsetBy: exponent + 1)
        text = digits[..<split] + "." + digits[split...]
    } else {
        text = digits + String(repeating: "0", count: exponent + 1 - digits.count) + ".0"
    }
    return negative ? "-" + text : text
}

/// Splits Swift's shortest representation into sign, significant digits and the decimal exponent of
/// the first digit (value = 0.d1d2... * 10^(exponent+1)).
private func decimalDigits(of value: Double) -> (Bool, String, Int) {
    var text = "\(value.magnitude)"
    var exponent = 0
    if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        exponent = Int(text[text.index(after: e)...])!
        text = String(text[..<e])
    }
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    let integerPart = String(parts[0])
    let fractionPart = parts.count > 1 ? String(parts[1]) : ""
    var digits = integerPart + fractionPart
    var pointPosition = integerPart.count  // digits before the decimal point
    while digits.hasPrefix("0") && digits.count > 1 {
        digits.removeFirst()
        pointPosition -= 1
    }
    while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
    return (value < 0, digits, exponent + pointPosition - 1)
}

extension Value {
    /// Python's `repr`: strings quoted, floats round-trip.
    public var repr: String {
        var visiting: Set<ObjectIdentifier> = []
        return repr(visiting: &visiting, depth: 0)
    }

    /// Lists nested this deep print as `[...]` rather than exhausting the stack.
    static let maximumReprDepth = 200

    /// `repr`, showing a list or dict that contains itself as `[...]` / `{...}`, as Python does.
    private func repr(visiting: inout Set<ObjectIdentifier>, depth: Int) -> String {
        func inner(_ value: Value) -> String { value.repr(visiting: &visiting, depth: depth + 1) }
        switch self {
        case .list(let list):
            guard depth < Value.maximumReprDepth, visiting.insert(ObjectIdentifier(list)).inserted else { return "[...]" }
            defer { visiting.remove(ObjectIdentifier(list)) }
            return "[" + list.items.map(inner).joined(separator: ", ") + "]"
        case .tuple(let items):
            guard depth < Value.maximumReprDepth else { return "(...)" }
            return items.count == 1 ? "(\(inner(items[0])),)" : "(" + items.map(inner).joined(separator: ", ") + ")"
        case .dict(let dict):
            guard depth < Value.maximumReprDepth, visiting.insert(ObjectIdentifier(dict)).inserted else { return "{...}" }
            defer { visiting.remove(ObjectIdentifier(dict)) }
            return "{" + dict.entries.map { inner($0.key) + ": " + inner($0.value) }.joined(separator: ", ") + "}"
        default:
            return flatRepr
        }
    }

    /// `repr` of a value that holds no other values.
    private var flatRepr: String {
        switch self {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .float(let d): return formatFloat(d)
        case .string(let s): return quoteString(s)
        case .list, .tuple, .dict: return repr
        case .command(let spec):
            if spec.userFunction == nil, Value.builtinTypeNames.contains(spec.name) { return "<class '\(spec.name)'>" }
            return "<function \(spec.name)>"
        case .object(let object): return object.summaryDescription
        case .slice(let start, let stop, let step): return "slice(\(start.repr), \(stop.repr), \(step.repr))"
        case .ellipsis: return "Ellipsis"
        }
    }

    /// The built-in functions that are Python's types (`type(1.0)` is `<class 'float'>`).
    static let builtinTypeNames: Set<String> = ["int", "float", "str", "bool", "list", "tuple", "dict", "set", "range"]

    /// Python's `str`: like `repr` except strings print bare and objects may print differently
    /// (`str(array)` is NumPy's `[0. 1.]`, its repr `array([0., 1.])`).
    public var str: String {
        if case .string(let s) = self { return s }
        if case .object(let object) = self, let text = object.printDescription { return text }
        return repr
    }
}

/// Quotes a string as Python's repr does: single quotes unless the text contains one and no double quote.
func quoteString(_ s: String) -> String {
    let quote: Character = s.contains("'") && !s.contains("\"") ? "\"" : "'"
    var out = String(quote)
    for scalar in s.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if Character(scalar) == quote {
                out += "\\" + String(quote)
            } else if scalar.value < 0x20 || scalar.value == 0x7F {
                out += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + String(quote)
}
