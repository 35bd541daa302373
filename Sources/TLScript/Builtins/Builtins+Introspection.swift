import Foundation

extension Interpreter {
    func registerIntrospectionBuiltins() {
        register(CommandSpec(name: "isinstance", parameters: [ParameterSpec("value"), ParameterSpec("classinfo")],
                             doc: "isinstance(value, classinfo): whether value is of the type (int, float, str, bool, list, tuple, dict, set, an exception class) or of one in a tuple of types.") { args, _ in
            .bool(try Interpreter.isInstance(args["value"], args["classinfo"]))
        })
        register(CommandSpec(name: "callable", parameters: [ParameterSpec("value")],
                             doc: "callable(value): whether value can be called (a function, command or class).") { args, _ in
            switch args["value"] {
            case .command: return .bool(true)
            case .object(let object): return .bool(object is ExceptionClass)
            default: return .bool(false)
            }
        })
        register(CommandSpec(name: "hasattr", parameters: [ParameterSpec("value"), ParameterSpec("name", kind: .string)],
                             doc: "hasattr(value, name): whether value.name exists.") { args, interpreter in
            do {
                _ = try interpreter.attribute(try args.string("name"), of: args["value"])
                return .bool(true)
            } catch let error as ScriptError where error.kind == .attribute {
                return .bool(false)
            }
        })
        register(CommandSpec(name: "getattr", parameters: [ParameterSpec("value"), ParameterSpec("name", kind: .string),
                                                           ParameterSpec("default", default: .none)],
                             doc: "getattr(value, name, default): value.name, or default when there is no such attribute.") { args, interpreter in
            do {
                return try interpreter.attribute(try args.string("name"), of: args["value"])
            } catch let error as ScriptError where error.kind == .attribute && args.isProvided("default") {
                return args["default"]
            }
        })
        register(CommandSpec(name: "hash", parameters: [ParameterSpec("value")],
                             doc: "hash(value): an integer hash; fails for unhashable values (lists, dicts, sets).") { args, _ in
            .int(try HashKey(args["value"]).hashValue)
        })
        register(CommandSpec(name: "id", parameters: [ParameterSpec("value")],
                             doc: "id(value): a number identifying a shared value (lists, dicts, objects) for as long as it lives.") { args, _ in
            switch args["value"] {
            case .list(let list): return .int(Int(bitPattern: UInt(bitPattern: ObjectIdentifier(list).hashValue)))
            case .dict(let dict): return .int(ObjectIdentifier(dict).hashValue)
            case .object(let object): return .int(ObjectIdentifier(object).hashValue)
            default: return .int((try? HashKey(args["value"]).hashValue) ?? 0)
            }
        })
    }

    /// `isinstance`: Python's built-in types by name (bool counts as int, as in Python), exception
    /// classes by their hierarchy, host objects by their type name.
    static func isInstance(_ value: Value, _ classinfo: Value) throws -> Bool {
        switch classinfo {
        case .tuple(let options): return try options.contains { try isInstance(value, $0) }
        case .command(let spec):
            switch spec.name {
            case "int": if case .bool = value { return true }; return value.typeName == "int"
            case "float", "str", "bool", "list", "tuple", "dict", "set": return value.typeName == spec.name
            default: break
            }
        case .object(let exceptionClass as ExceptionClass):
            if case .object(let exception as ExceptionObject) = value {
                return ExceptionClass.isSubclass(exception.typeName, of: exceptionClass.name)
            }
            return false
        case .object(let type as TypeObject):
            return value.typeName == type.name || (type.name == "NoneType" && value.isNone)
        default:
            break
        }
        throw ScriptError(.type, "isinstance() arg 2 must be a type, a tuple of types, or a union")
    }
}
