/// Values given on the command line with `--set name=value`, read by `param(name, default)`.
///
/// Text is converted to the type of the default, so `--set epochs=30` gives an int where the script
/// wrote `param("epochs", 100)`. Names no `param()` asked for are reported after the run.
public struct ParameterOverrides {
    public private(set) var values: [String: String] = [:]
    /// Names in the order given, for stable warnings.
    private var order: [String] = []
    private var used: Set<String> = []
    private var requested: Set<String> = []

    public init() {}

    /// Parses `name=value` strings.
    public init(assignments: [String]) throws {
        for assignment in assignments {
            guard let equals = assignment.firstIndex(of: "="), equals != assignment.startIndex else {
                throw ScriptError(.argument, "--set expects name=value, got '\(assignment)'")
            }
            set(String(assignment[..<equals]), to: String(assignment[assignment.index(after: equals)...]))
        }
    }

    public mutating func set(_ name: String, to text: String) {
        if values[name] == nil { order.append(name) }
        values[name] = text
    }

    /// The value of parameter `name`: the override converted to the default's type, else the default.
    public mutating func resolve(_ name: String, default defaultValue: Value) throws -> Value {
        requested.insert(name)
        guard let text = values[name] else { return defaultValue }
        used.insert(name)
        func bad(_ expected: String) -> ScriptError {
            ScriptError(.value, "--set \(name)=\(text): expected \(expected) because the default is \(defaultValue.repr)")
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch defaultValue {
        case .int:
            guard let i = Int(trimmed) else { throw bad("an integer") }
            return .int(i)
        case .float:
            guard let d = Double(trimmed) else { throw bad("a number") }
            return .float(d)
        case .bool:
            switch trimmed.lowercased() {
            case "true", "1", "yes", "on": return .bool(true)
            case "false", "0", "no", "off": return .bool(false)
            default: throw bad("true or false")
            }
        case .string, .none:
            return .string(text)
        default:
            throw ScriptError(.type, "param('\(name)') defaults must be an int, float, bool or string, got \(describeForError(defaultValue))")
        }
    }

    /// One warning per `--set` that no `param()` used, with a suggestion among the names that were asked for.
    public var unusedWarnings: [String] {
        order.filter { !used.contains($0) }.map { name in
            "warning: --set \(name)=\(values[name]!) was not used: no param('\(name)', ...) in the script"
                + Suggestions.hint(for: name, among: requested)
        }
    }
}

import Foundation
