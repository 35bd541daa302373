import Foundation

/// `str.format` templates and `%` formatting.
extension TextFormatting {
    /// `template.format(*arguments, **keywords)`: `{}`, `{0}`, `{name}`, `{0[1]}`, `{p.name}`, `!r`/`!s`,
    /// and specs with nested fields (`{:{width}}`).
    static func format(_ template: String, _ arguments: [Value], keywords: ValueDictionary = ValueDictionary(),
                       attribute: (Value, String) throws -> Value) throws -> String {
        var output = ""
        var automatic = 0
        var characters = Array(template)[...]
        func field(_ text: String) throws -> Value {
            var rest = Substring(text)
            let head = rest.prefix { $0 != "." && $0 != "[" }
            rest = rest.dropFirst(head.count)
            var value: Value
            if head.isEmpty {
                guard automatic >= 0 else { throw ScriptError(.value, "cannot switch from manual field specification to automatic field numbering") }
                guard automatic < arguments.count else { throw ScriptError(.index, "Replacement index \(automatic) out of range for positional args tuple") }
                value = arguments[automatic]
                automatic += 1
            } else if let index = Int(head) {
                if automatic > 0 { throw ScriptError(.value, "cannot switch from automatic field numbering to manual field specification") }
                automatic = -1
                guard index < arguments.count else { throw ScriptError(.index, "Replacement index \(index) out of range for positional args tuple") }
                value = arguments[index]
            } else {
                guard let named = keywords[String(head)] else { throw ScriptError(.key, "'\(head)'") }
                value = named
            }
            while let first = rest.first {
                rest = rest.dropFirst()
                if first == "." {
                    let name = rest.prefix { $0 != "." && $0 != "[" }
                    rest = rest.dropFirst(name.count)
                    value = try attribute(value, String(name))
                } else {
                    guard let close = rest.firstIndex(of: "]") else { throw ScriptError(.value, "Missing ']' in format string") }
                    let key = String(rest[..<close])
                    rest = rest[rest.index(after: close)...]
                    value = try Operators.item(of: value, at: Int(key).map(Value.int) ?? .string(key))
                }
            }
            return value
        }
        while let c = characters.popFirst() {
            if c == "{" && characters.first == "{" { characters.removeFirst(); output.append("{"); continue }
            if c == "}" {
                guard characters.first == "}" else { throw ScriptError(.value, "Single '}' encountered in format string") }
                characters.removeFirst()
                output.append("}")
                continue
            }
            guard c == "{" else { output.append(c); continue }
            let inner = try balancedField(&characters)
            let (name, conversion, specTemplate) = try splitField(inner)
            var value = try field(name)
            if let conversion { value = .string(conversion == "r" ? value.repr : value.str) }
            // Nested fields in the spec take the next automatic arguments, as in Python.
            var spec = ""
            var specCharacters = Array(specTemplate)[...]
            while let s = specCharacters.popFirst() {
                if s == "{" { spec += try field(try balancedField(&specCharacters)).str } else { spec.append(s) }
            }
            output += try format(value, spec: spec)
        }
        return output
    }

    /// The text of a replacement field after its `{`, up to the matching `}`.
    private static func balancedField(_ characters: inout ArraySlice<Character>) throws -> String {
        var depth = 1
        var text = ""
        while let c = characters.popFirst() {
            if c == "{" { depth += 1 }
            if c == "}" { depth -= 1; if depth == 0 { return text } }
            text.append(c)
        }
        throw ScriptError(.value, "expected '}' before end of string")
    }

    /// `name!r:spec` as (name, conversion, spec).
    private static func splitField(_ text: String) throws -> (String, Character?, String) {
        var name = text, spec = ""
        var bracketDepth = 0
        for (offset, c) in text.enumerated() {
            if c == "[" { bracketDepth += 1 }
            if c == "]" { bracketDepth -= 1 }
            if c == ":" && bracketDepth == 0 {
                name = String(text.prefix(offset))
                spec = String(text.dropFirst(offset + 1))
                break
            }
        }
        var conversion: Character?
        if let bang = name.firstIndex(of: "!") {
            let rest = name[name.index(after: bang)...]
            guard rest.count == 1, let kind = rest.first, "rsa".contains(kind) else {
                throw ScriptError(.value, "Unknown conversion specifier \(rest)")
            }
            conversion = kind == "a" ? "r" : kind
            name = String(name[..<bang])
        }
        return (name, conversion, spec)
    }

    /// `template % values`: `%s %r %d %i %f %e %g %x %o %c %%` with flags `-+ 0#`, width and precision,
    /// and `%(name)s` with a dict.
    static func percentFormat(_ template: String, _ values: Value) throws -> String {
        var arguments: [Value]
        if case .tuple(let items) = values { arguments = items } else { arguments = [values] }
        let mapping: ValueDictionary? = { if case .dict(let dict) = values { return dict }; return nil }()
        var output = ""
        var characters = Array(template)[...]
        while let c = characters.popFirst() {
            guard c == "%" else { output.append(c); continue }
            var value: Value?
            if characters.first == "(" {
                guard let mapping else { throw ScriptError(.type, "format requires a mapping") }
                characters.removeFirst()
                guard let close = characters.firstIndex(of: ")") else { throw ScriptError(.value, "incomplete format key") }
                let key = String(characters[..<close])
                characters = characters[characters.index(after: close)...]
                guard let found = mapping[key] else { throw ScriptError(.key, "'\(key)'") }
                value = found
            }
            var flags = ""
            while let f = characters.first, "-+ 0#".contains(f) { flags.append(f); characters.removeFirst() }
            var numbers = ""
            while let d = characters.first, d.isNumber || d == "." { numbers.append(d); characters.removeFirst() }
            guard let type = characters.popFirst() else { throw ScriptError(.value, "incomplete format") }
            if type == "%" { output.append("%"); continue }
            if value == nil {
                guard !arguments.isEmpty else { throw ScriptError(.type, "not enough arguments for format string") }
                value = mapping == nil ? arguments.removeFirst() : values
            }
            output += try percentField(value!, flags: flags, numbers: numbers, type: type)
        }
        if mapping == nil, !arguments.isEmpty { throw ScriptError(.type, "not all arguments converted during string formatting") }
        return output
    }

    /// One `%` conversion, as the equivalent format spec.
    private static func percentField(_ raw: Value, flags: String, numbers: String, type: Character) throws -> String {
        let value = try raw.scalarOrSelf()
        var spec = flags.contains("-") ? "<" : (flags.contains("0") ? "0" : "")
        if spec == "", !numbers.isEmpty, !numbers.hasPrefix(".") { spec = ">" }
        if flags.contains("+") { spec = (spec == "0" ? "" : spec) + "+" + (spec == "0" ? "0" : "") }
        else if flags.contains(" ") { spec = (spec == "0" ? "" : spec) + " " + (spec == "0" ? "0" : "") }
        if flags.contains("#") { spec += "#" }
        spec += numbers
        switch type {
        case "s", "r", "a":
            let text = type == "s" ? raw.str : raw.repr
            return try apply(spec: spec.replacingOccurrences(of: "0", with: "", options: .anchored) + "s", to: .string(text))
        case "d", "i", "u":
            switch value {
            case .int, .bool: return try apply(spec: spec + "d", to: value)
            case .float(let x):
                if x.isNaN { throw ScriptError(.value, "cannot convert float NaN to integer") }
                if x.isInfinite { throw ScriptError(.overflow, "cannot convert float infinity to integer") }
                if abs(x) < 9.2e18 { return try apply(spec: spec + "d", to: .int(Int(x))) }
                return try apply(spec: spec.replacingOccurrences(of: "+", with: "") + "s", to: .string(exactIntegerDigits(x)))
            default: throw ScriptError(.type, "%\(type) format: a real number is required, not \(raw.typeName)")
            }
        case "c" where value.asString?.count == 1:
            return try apply(spec: spec + "s", to: value)
        case "x", "X", "o", "c":
            guard value.asInt != nil else { throw ScriptError(.type, "%\(type) format: an integer is required, not \(raw.typeName)") }
            return try apply(spec: spec + String(type), to: value)
        case "f", "F", "e", "E", "g", "G":
            guard let x = value.asDouble else { throw ScriptError(.type, "must be real number, not \(raw.typeName)") }
            return try apply(spec: spec + String(type), to: .float(x))
        default:
            throw ScriptError(.value, "unsupported format character '\(type)'")
        }
    }
}
