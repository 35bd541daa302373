import TLArray
import TLScript

/// The methods of arrays (`a.sum(axis=0)`, `a.reshape(2, -1)`, `a.astype('float32')`): commands whose
/// first parameter is the array, bound to it when the attribute is read.
enum ArrayMethods {
    static let table: [String: CommandSpec] = {
        var specs: [CommandSpec] = [NumPyCommands.reshape]
        for reduction in [Reduction.sum, .product, .mean, .standardDeviation, .variance, .min, .max, .argmin, .argmax] {
            specs.append(method(reduction.rawValue, NumPyCommands.reductionParameters("self", reduction)) { args in
                try NumPyCommands.reduce(args, "self", reduction)
            })
        }
        for (name, any) in [("any", true), ("all", false)] {
            specs.append(method(name, [ParameterSpec("self"), ParameterSpec("axis", default: .none), ParameterSpec("keepdims", default: false, kind: .bool)]) { args in
                try NumPyCommands.logical(args, "self", any: any)
            })
        }
        specs += conversions() + reshaping()
        var table: [String: CommandSpec] = [:]
        for spec in specs { table[spec.name] = spec }
        return table
    }()

    static var names: [String] { table.keys.sorted() }

    /// `obj.name` as a bound method, or nil when arrays have no such method.
    static func method(_ name: String, of object: ArrayObject) -> Value? {
        table[name].map { .command($0.bound(to: .object(object))) }
    }

    private static func method(_ name: String, _ parameters: [ParameterSpec], extra: Bool = false,
                               _ body: @escaping (CallArguments) throws -> Value) -> CommandSpec {
        CommandSpec(name: name, parameters: parameters, acceptsExtraPositional: extra) { args, _ in try numpy { try body(args) } }
    }

    private static func receiver(_ args: CallArguments) throws -> ArrayObject {
        guard case .object(let object as ArrayObject) = args["self"] else { throw ScriptError(.type, "\(args.commandName)() needs an array") }
        return object
    }

    private static func conversions() -> [CommandSpec] {
        [
            method("astype", [ParameterSpec("self"), ParameterSpec("dtype")]) { args in
                guard let dtype = try args.dtype("dtype") else { throw args.typeError("dtype", expected: "a dtype such as 'float32'") }
                let object = try receiver(args)
                return ArrayObject.wrap(object.array.astype(dtype), scalar: object.isScalar)
            },
            method("copy", [ParameterSpec("self")]) { args in
                let object = try receiver(args)
                return ArrayObject.wrap(object.array.copy(), scalar: object.isScalar)
            },
            method("tolist", [ParameterSpec("self")]) { args in nestedList(try receiver(args).array) },
            // A dataset's batches are tensors in Keras (`images[i].numpy()` in its guides); here they are arrays already.
            method("numpy", [ParameterSpec("self")]) { args in .object(try receiver(args)) },
            method("item", [ParameterSpec("self")]) { args in
                guard let number = try receiver(args).array.scalar else { throw ScriptError(.value, "can only convert an array of size 1 to a Python scalar") }
                return ArrayObject.value(number)
            },
            method("round", [ParameterSpec("self"), ParameterSpec("decimals", default: 0, kind: .int)]) { args in
                ArrayObject.wrap(try receiver(args).array.rounded(decimals: try args.int("decimals")))
            },
            method("clip", [ParameterSpec("self"), ParameterSpec("min", default: .none), ParameterSpec("max", default: .none)]) { args in
                let low = args["min"].isNone ? nil : try args.operand("min"), high = args["max"].isNone ? nil : try args.operand("max")
                return ArrayObject.wrap(try receiver(args).array.clipped(low, high))
            },
            method("fill", [ParameterSpec("self"), ParameterSpec("value")]) { args in
                try receiver(args).array.assign([.ellipsis], try args.ndarray("value"))
                return .none
            },
            method("dot", [ParameterSpec("self"), ParameterSpec("b")]) { args in
                ArrayObject.wrap(try NDArray.matmul(try receiver(args).array, try args.ndarray("b"), name: "dot"))
            },
        ]
    }

    private static func reshaping() -> [CommandSpec] {
        [
            method("repeat", [ParameterSpec("self"), ParameterSpec("repeats"), ParameterSpec("axis", default: .none)]) { args in
                try NumPyCommands.repeatArray(args, "self")
            },
            method("cumsum", [ParameterSpec("self"), ParameterSpec("axis", default: .none)]) { args in
                try NumPyCommands.accumulate(args, "self", .add)
            },
            method("cumprod", [ParameterSpec("self"), ParameterSpec("axis", default: .none)]) { args in
                try NumPyCommands.accumulate(args, "self", .multiply)
            },
            method("flatten", [ParameterSpec("self")]) { args in NumPyCommands.array(try receiver(args).array.flattened()) },
            method("ravel", [ParameterSpec("self")]) { args in NumPyCommands.array(try receiver(args).array.raveled()) },
            method("transpose", [ParameterSpec("self")], extra: true) { args in
                let array = try receiver(args).array
                var axes = args.extraPositional
                if axes.count == 1, let items = axes[0].asSequence { axes = items }
                if axes.isEmpty || (axes.count == 1 && axes[0].isNone) { return NumPyCommands.array(array.transposed()) }
                let order = try axes.map { value -> Int in
                    guard let axis = value.asInt else { throw ScriptError(.type, "transpose(): axes must be integers, got \(value.typeName)") }
                    return axis
                }
                return NumPyCommands.array(try array.transposed(checking: order))
            },
            method("squeeze", [ParameterSpec("self"), ParameterSpec("axis", default: .none)]) { args in
                NumPyCommands.array(try receiver(args).array.squeezed(try args.axes("axis")))
            },
            method("sort", [ParameterSpec("self"), ParameterSpec("axis", default: -1, kind: .int)]) { args in
                let array = try receiver(args).array
                try array.assign([.ellipsis], try array.sorted(axis: try args.int("axis")))
                return .none
            },
            method("argsort", [ParameterSpec("self"), ParameterSpec("axis", default: -1)]) { args in
                NumPyCommands.array(try receiver(args).array.argsorted(axis: try args.optionalInt("axis")))
            },
        ]
    }

    /// `a.tolist()`: nested Python lists of Python numbers (a 0-d array gives the number).
    static func nestedList(_ array: NDArray) -> Value {
        func build(_ a: NDArray) -> Value {
            if a.ndim == 0 { return ArrayObject.value(a.scalar!) }
            return .list((0..<a.shape[0]).map { build(try! a.subscripted([.integer($0)]).array) })
        }
        return build(array)
    }
}
