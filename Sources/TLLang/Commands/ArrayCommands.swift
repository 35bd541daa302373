import Foundation
import TLTensor
import TLArray
import TLFormats
import TLScript

/// The `np.` names: NumPy's functions over ``NDArray``, bound to the language. Every body only reads
/// its arguments and calls TLArray; `np.random` keeps its generator in an object owned by the session.
extension Session {
    func registerArrayCommands() {
        let groups = [NumPyCommands.creation(), NumPyCommands.shapes(), NumPyCommands.maths(), NumPyCommands.reductions(),
                      NumPyCommands.randomCommands(arrayRandom), NumPyCommands.dtypes(), NumPyCommands.unsupported(),
                      NumPyCommands.elementary(), NumPyCommands.sequences(), NumPyCommands.statistics(),
                      NumPyCommands.moreRandomCommands(arrayRandom)]
        for spec in groups.joined() { register(spec) }
        register(NumPyCommands.reshape)
        register(NumPyCommands.toCategorical)
        registerArrayFiles()
        for root in ["np", "numpy"] {
            for (name, value) in [("pi", Double.pi), ("e", M_E), ("inf", .infinity), ("nan", .nan)] {
                interpreter.register(value: .float(value), as: "\(root).\(name)")
            }
            interpreter.register(className: "\(root).ndarray", forTypeNamed: "numpy.ndarray")
            interpreter.register(partialModule: root, message: "see \"NumPy in tl\" in docs/LANGUAGE.md for the names it has")
        }
    }

    /// `np.save` / `np.load`, keeping dtype and shape (0-d included); the names `save_npy`/`load_npy` stay.
    private func registerArrayFiles() {
        command("save_npy", parameters: [ParameterSpec("path", kind: .string), ParameterSpec("array")],
                aliases: ["np.save", "numpy.save"]) { session, args, interpreter in
            var path = try args.string("path")
            if !path.hasSuffix(".npy") { path += ".npy" }   // NumPy appends the extension too
            path = session.outputPath(path)
            let array = try args.ndarray("array")
            let values: NPYValues
            switch array.dtype {
            case .float32: values = .float32(array.values(as: Float.self))
            case .float64: values = .float64(array.values(as: Double.self))
            case .int64: values = .int64(array.values(as: Int64.self))
            case .int32: values = .int32(array.values(as: Int32.self))
            case .uint8: values = .uint8(array.values(as: UInt8.self))
            case .bool: values = .bool(array.values(as: Bool.self))
            }
            try NPY.write(path: path, shape: array.shape, values: values)
            interpreter.write("saved array \(shapeText(array.shape)) to \(path)\n")
            return .none
        }
        command("load_npy", parameters: [ParameterSpec("path", kind: .string)], aliases: ["np.load", "numpy.load"]) { _, args, _ in
            let (shape, values) = try NPY.readTyped(path: try args.string("path"))
            switch values {
            case .float32(let v): return ArrayObject.wrap(NDArray(shape: shape, values: v), scalar: false)
            case .float64(let v): return ArrayObject.wrap(NDArray(shape: shape, values: v), scalar: false)
            case .int64(let v): return ArrayObject.wrap(NDArray(shape: shape, values: v), scalar: false)
            case .int32(let v): return ArrayObject.wrap(NDArray(shape: shape, values: v), scalar: false)
            case .uint8(let v): return ArrayObject.wrap(NDArray(shape: shape, values: v), scalar: false)
            case .bool(let v): return ArrayObject.wrap(NDArray(shape: shape, values: v), scalar: false)
            }
        }
    }
}

/// The specs of the `np.` functions, grouped as docs/LANGUAGE.md lists them.
enum NumPyCommands {
    /// `np.NAME` (also `numpy.NAME`), its errors turned into Python's kinds.
    static func function(_ name: String, _ parameters: [ParameterSpec], extra: Bool = false,
                         _ body: @escaping (CallArguments) throws -> Value) -> CommandSpec {
        CommandSpec(name: "np." + name, parameters: parameters, acceptsExtraPositional: extra, aliases: ["numpy." + name]) { args, _ in
            try numpy { try body(args) }
        }
    }

    static let reshape = CommandSpec(name: "reshape", parameters: [ParameterSpec("array"), ParameterSpec("shape")], acceptsExtraPositional: true,
                                     aliases: ["np.reshape", "numpy.reshape"]) { args, _ in
        let array = try args.ndarray("array")
        let dims = try args.sizes("shape") + args.extraPositional.map { value -> Int in
            guard let n = value.asInt else { throw ScriptError(.type, "reshape(): sizes must be integers, got \(value.typeName)") }
            return n
        }
        return try numpy { ArrayObject.wrap(try array.reshaped(dims), scalar: false) }
    }

    static func creation() -> [CommandSpec] {
        let shapeAndType = [ParameterSpec("shape"), ParameterSpec("dtype", default: .none)]
        return [
            function("zeros", shapeAndType) { args in array(try NDArray.zeros(checking: try args.sizes("shape"), dtype: try args.dtype("dtype") ?? .float64)) },
            function("empty", shapeAndType) { args in array(try NDArray.zeros(checking: try args.sizes("shape"), dtype: try args.dtype("dtype") ?? .float64)) },
            function("ones", shapeAndType) { args in array(try NDArray.full(try args.sizes("shape"), .int(1), dtype: try args.dtype("dtype") ?? .float64)) },
            function("full", [ParameterSpec("shape"), ParameterSpec("fill_value"), ParameterSpec("dtype", default: .none)]) { args in
                let fill = try args.ndarray("fill_value")
                return array(try NDArray.full(try args.sizes("shape"), fill.scalar ?? .int(0), dtype: try args.dtype("dtype") ?? fill.dtype))
            },
            function("zeros_like", [ParameterSpec("a"), ParameterSpec("dtype", default: .none)]) { args in
                let a = try args.ndarray("a")
                return array(NDArray(zeros: a.shape, dtype: try args.dtype("dtype") ?? a.dtype))
            },
            function("ones_like", [ParameterSpec("a"), ParameterSpec("dtype", default: .none)]) { args in
                let a = try args.ndarray("a")
                return array(try NDArray.full(a.shape, .int(1), dtype: try args.dtype("dtype") ?? a.dtype))
            },
            function("array", [ParameterSpec("object"), ParameterSpec("dtype", default: .none)]) { args in
                let source = try args.ndarray("object", dtype: try args.dtype("dtype"))
                let given = args["object"].asObject as? ArrayObject
                return array(given.map { source.sharesMemory(with: $0.array) } ?? false ? source.copy() : source)
            },
            function("asarray", [ParameterSpec("a"), ParameterSpec("dtype", default: .none)]) { args in
                let requested = try args.dtype("dtype")
                if case .object(let object as ArrayObject) = args["a"], !object.isScalar, requested == nil || requested == object.array.dtype {
                    return .object(object)
                }
                let converted = try args.ndarray("a", dtype: requested)
                return array((args["a"].asObject as? ArrayObject).map { converted.sharesMemory(with: $0.array) } ?? false ? converted.copy() : converted)
            },
            function("arange", [ParameterSpec("start"), ParameterSpec("stop", default: .none), ParameterSpec("step", default: .none),
                                ParameterSpec("dtype", default: .none)]) { args in
                let first = try args.number("start")
                let (start, stop) = args["stop"].isNone ? (PythonNumber.int(0), first) : (first, try args.number("stop"))
                let step = args["step"].isNone ? PythonNumber.int(1) : try args.number("step")
                return array(try NDArray.arange(start, stop, step, dtype: try args.dtype("dtype")))
            },
            function("linspace", [ParameterSpec("start", kind: .number), ParameterSpec("stop", kind: .number), ParameterSpec("num", default: 50, kind: .int),
                                  ParameterSpec("endpoint", default: true, kind: .bool), ParameterSpec("dtype", default: .none)]) { args in
                let values = try NDArray.linspace(try args.double("start"), try args.double("stop"), count: try args.int("num"), endpoint: try args.bool("endpoint"))
                return array(try args.dtype("dtype").map { values.astype($0) } ?? values)
            },
            function("eye", [ParameterSpec("N", kind: .int), ParameterSpec("M", default: .none, kind: .int), ParameterSpec("k", default: 0, kind: .int),
                             ParameterSpec("dtype", default: .none)]) { args in
                array(try NDArray.eye(try args.int("N"), try args.optionalInt("M"), diagonal: try args.int("k"), dtype: try args.dtype("dtype") ?? .float64))
            },
            function("copy", [ParameterSpec("a")]) { args in array(try args.ndarray("a").copy()) },
        ]
    }

    /// An array result (never a NumPy scalar, even when 0-d).
    static func array(_ result: NDArray) -> Value { ArrayObject.wrap(result, scalar: false) }

    static func shapes() -> [CommandSpec] {
        [
            function("transpose", [ParameterSpec("a"), ParameterSpec("axes", default: .none)], extra: true) { args in
                let a = try args.ndarray("a")
                let axes = args["axes"].isNone ? nil : try args.sizes("axes") + args.extraPositional.compactMap(\.asInt)
                return array(try axes.map { try a.transposed(checking: $0) } ?? a.transposed())
            },
            function("expand_dims", [ParameterSpec("a"), ParameterSpec("axis", kind: .int)]) { args in
                array(try args.ndarray("a").expandingDimensions(at: try args.int("axis")))
            },
            function("squeeze", [ParameterSpec("a"), ParameterSpec("axis", default: .none)]) { args in
                array(try args.ndarray("a").squeezed(try args.axes("axis")))
            },
            function("ravel", [ParameterSpec("a")]) { args in array(try args.ndarray("a").raveled()) },
            function("concatenate", [ParameterSpec("arrays"), ParameterSpec("axis", default: 0)]) { args in
                let arrays = try args.arrayList("arrays")
                if args["axis"].isNone { return array(try NDArray.concatenate(arrays.map { $0.raveled() }, axis: 0)) }
                return array(try NDArray.concatenate(arrays, axis: try args.int("axis")))
            },
            function("stack", [ParameterSpec("arrays"), ParameterSpec("axis", default: 0, kind: .int)]) { args in
                array(try NDArray.stack(try args.arrayList("arrays"), axis: try args.int("axis")))
            },
            function("vstack", [ParameterSpec("tup")]) { args in array(try NDArray.vstack(try args.arrayList("tup"))) },
            function("hstack", [ParameterSpec("tup")]) { args in array(try NDArray.hstack(try args.arrayList("tup"))) },
        ]
    }

    static func maths() -> [CommandSpec] {
        var specs: [CommandSpec] = []
        let unary: [(String, UnaryOperator)] = [("exp", .exp), ("log", .log), ("sqrt", .sqrt), ("abs", .absolute), ("absolute", .absolute),
                                                ("sign", .sign), ("floor", .floor), ("ceil", .ceil), ("isnan", .isnan), ("negative", .negative)]
        for (name, op) in unary {
            specs.append(function(name, [ParameterSpec("x")]) { args in ArrayObject.wrap(try args.ndarray("x").applying(op)) })
        }
        for name in ["round", "around"] {
            specs.append(function(name, [ParameterSpec("a"), ParameterSpec("decimals", default: 0, kind: .int)]) { args in
                ArrayObject.wrap(try args.ndarray("a").rounded(decimals: try args.int("decimals")))
            })
        }
        for (name, op) in [("maximum", BinaryOperator.maximum), ("minimum", .minimum), ("add", .add), ("subtract", .subtract),
                           ("multiply", .multiply), ("divide", .divide), ("power", .power)] {
            specs.append(function(name, [ParameterSpec("x1"), ParameterSpec("x2")]) { args in
                ArrayObject.wrap(try NDArray.binary(op, try args.operand("x1"), try args.operand("x2")))
            })
        }
        specs += [
            function("clip", [ParameterSpec("a"), ParameterSpec("a_min"), ParameterSpec("a_max")]) { args in
                let low = args["a_min"].isNone ? nil : try args.operand("a_min"), high = args["a_max"].isNone ? nil : try args.operand("a_max")
                return ArrayObject.wrap(try args.ndarray("a").clipped(low, high))
            },
            function("where", [ParameterSpec("condition"), ParameterSpec("x", default: .none), ParameterSpec("y", default: .none)]) { args in
                let condition = try args.ndarray("condition")
                if args["x"].isNone && args["y"].isNone { return nonzero(condition) }
                return ArrayObject.wrap(try NDArray.select(condition, try args.operand("x"), try args.operand("y")))
            },
            function("unique", [ParameterSpec("ar"), ParameterSpec("return_counts", default: false, kind: .bool)]) { args in
                let (values, counts) = try args.ndarray("ar").unique()
                return try args.bool("return_counts") ? .tuple([array(values), array(counts)]) : array(values)
            },
            function("sort", [ParameterSpec("a"), ParameterSpec("axis", default: -1)]) { args in
                array(try args.ndarray("a").sorted(axis: try args.optionalInt("axis")))
            },
            function("argsort", [ParameterSpec("a"), ParameterSpec("axis", default: -1)]) { args in
                array(try args.ndarray("a").argsorted(axis: try args.optionalInt("axis")))
            },
            function("allclose", [ParameterSpec("a"), ParameterSpec("b"), ParameterSpec("rtol", default: 1e-5, kind: .number),
                                  ParameterSpec("atol", default: 1e-8, kind: .number)]) { args in
                .bool(try NDArray.allClose(try args.operand("a"), try args.operand("b"), relativeTolerance: try args.double("rtol"), absoluteTolerance: try args.double("atol")))
            },
            function("array_equal", [ParameterSpec("a1"), ParameterSpec("a2")]) { args in
                .bool(try NDArray.arrayEqual(try args.operand("a1"), try args.operand("a2")))
            },
            function("dot", [ParameterSpec("a"), ParameterSpec("b")]) { args in
                ArrayObject.wrap(try NDArray.matmul(try args.ndarray("a"), try args.ndarray("b"), name: "dot"))
            },
            function("matmul", [ParameterSpec("x1"), ParameterSpec("x2")]) { args in
                ArrayObject.wrap(try NDArray.matmul(try args.ndarray("x1"), try args.ndarray("x2")))
            },
        ]
        return specs
    }

    /// `np.where(condition)` / `np.nonzero`: one int64 array of positions per axis.
    static func nonzero(_ condition: NDArray) -> Value {
        let flags = condition.astype(.bool).values(as: Bool.self)
        let strides = StridedLayout.rowMajorStrides(condition.shape)
        let hits = flags.indices.filter { flags[$0] }
        return .tuple(condition.shape.indices.map { axis in
            array(NDArray(shape: [hits.count], values: hits.map { Int64($0 / strides[axis] % condition.shape[axis]) }))
        })
    }

    static func reductions() -> [CommandSpec] {
        let names: [(String, Reduction)] = [("sum", .sum), ("prod", .product), ("mean", .mean), ("std", .standardDeviation), ("var", .variance), ("min", .min),
                                            ("max", .max), ("amin", .min), ("amax", .max), ("argmin", .argmin), ("argmax", .argmax)]
        var specs = names.map { name, reduction in
            function(name, reductionParameters("a", reduction)) { args in try reduce(args, "a", reduction) }
        }
        for (name, largest) in [("any", true), ("all", false)] {
            specs.append(function(name, [ParameterSpec("a"), ParameterSpec("axis", default: .none), ParameterSpec("keepdims", default: false, kind: .bool)]) { args in
                try logical(args, "a", any: largest)
            })
        }
        return specs
    }

    static func reductionParameters(_ receiver: String, _ reduction: Reduction) -> [ParameterSpec] {
        var parameters = [ParameterSpec(receiver), ParameterSpec("axis", default: .none)]
        if reduction == .variance || reduction == .standardDeviation { parameters.append(ParameterSpec("ddof", default: 0, kind: .int)) }
        parameters.append(ParameterSpec("keepdims", default: false, kind: .bool))
        return parameters
    }

    static func reduce(_ args: CallArguments, _ receiver: String, _ reduction: Reduction) throws -> Value {
        let ddof = args.values["ddof"] == nil ? 0 : try args.int("ddof")
        return ArrayObject.wrap(try args.ndarray(receiver).reduced(reduction, axes: try args.axes("axis"), keepdims: try args.bool("keepdims"), ddof: ddof))
    }

    /// `any`/`all`: whether some (every) element is nonzero, as the max (min) of the array as bools.
    static func logical(_ args: CallArguments, _ receiver: String, any: Bool) throws -> Value {
        let flags = try args.ndarray(receiver).astype(.bool)
        return ArrayObject.wrap(try flags.reduced(any ? .max : .min, axes: try args.axes("axis"), keepdims: try args.bool("keepdims")))
    }

    static func randomCommands(_ random: ArrayRandom) -> [CommandSpec] {
        [
            function("random.rand", [], extra: true) { args in
                args.extraPositional.isEmpty ? .float(try random.uniform([]).scalar!.doubleValue) : array(try random.uniform(try dimensions(args.extraPositional)))
            },
            function("random.randn", [], extra: true) { args in
                args.extraPositional.isEmpty ? .float(try random.normal([]).scalar!.doubleValue) : array(try random.normal(try dimensions(args.extraPositional)))
            },
            function("random.random", [ParameterSpec("size", default: .none)]) { args in
                args["size"].isNone ? .float(try random.uniform([]).scalar!.doubleValue) : array(try random.uniform(try args.sizes("size")))
            },
            function("random.randint", [ParameterSpec("low", kind: .int), ParameterSpec("high", default: .none, kind: .int),
                                        ParameterSpec("size", default: .none), ParameterSpec("dtype", default: .none)]) { args in
                let (low, high) = args["high"].isNone ? (0, try args.int("low")) : (try args.int("low"), try args.int("high"))
                if args["size"].isNone { return .int(Int(try random.integers(low, high, shape: []).scalar!.doubleValue)) }
                let values = try random.integers(low, high, shape: try args.sizes("size"))
                return array(try args.dtype("dtype").map { values.astype($0) } ?? values)
            },
            function("random.shuffle", [ParameterSpec("x")]) { args in
                guard case .object(let object as ArrayObject) = args["x"] else { throw args.typeError("x", expected: "an array") }
                try random.shuffle(object.array)
                return .none
            },
            function("random.permutation", [ParameterSpec("x")]) { args in
                if let n = args["x"].asInt {
                    guard n >= 0 else { throw ScriptError(.value, "negative dimensions are not allowed") }
                    return array(NDArray(shape: [n], values: random.permutation(n).map(Int64.init)))
                }
                let a = try args.ndarray("x").copy()
                try random.shuffle(a)
                return array(a)
            },
        ]
    }

    /// `rand(2, 3)`: the sizes given as separate arguments.
    static func dimensions(_ values: [Value]) throws -> [Int] {
        try values.map { value in
            guard let n = value.asInt, n >= 0 else { throw ScriptError(.value, "negative dimensions are not allowed") }
            return n
        }
    }

    /// `np.float32(x)`, `np.float64`, `np.int64`, `np.int32`, `np.uint8`, `np.bool_` (and `np.newaxis` for subscripts).
    static func dtypes() -> [CommandSpec] {
        let names: [(String, DType)] = [("float32", .float32), ("float64", .float64), ("int64", .int64), ("int32", .int32),
                                        ("uint8", .uint8), ("bool_", .bool), ("bool", .bool)]
        var specs = names.map { name, dtype in
            function(name, [ParameterSpec("x", default: 0)]) { args in
                let value = try args.ndarray("x", dtype: dtype)
                return ArrayObject.wrap(value.copy(), scalar: value.ndim == 0)
            }
        }
        specs.append(function("newaxis", []) { _ in
            throw ScriptError(.type, "np.newaxis is not callable: use it inside a subscript, as in x[:, np.newaxis]")
        })
        return specs
    }

    /// Names of NumPy's other modules, functions and dtypes a notebook may reach for, failing with a clear
    /// message (as `dtype=` arguments too).
    static func unsupported() -> [CommandSpec] {
        let dtypes = ["int8", "int16", "uint16", "uint32", "uint64", "float16", "complex64", "complex128"].map { name in
            function(name, [], extra: true) { _ in
                throw ScriptError(.notImplemented, "dtype np.\(name) is not supported in tl (\(supportedDTypes) are)")
            }
        }
        let names = ["fft.fft", "fft.ifft", "linalg.norm", "linalg.inv", "linalg.solve", "linalg.eig", "linalg.svd", "savez",
                     "savez_compressed", "loadtxt", "savetxt", "genfromtxt", "einsum"]
        return dtypes + names.map { name in
            let module = name.contains(".") ? "np." + name.split(separator: ".")[0] : "np." + name
            return function(name, [], extra: true) { _ in
                throw ScriptError(.notImplemented, "\(module) is not supported in tl (see \"NumPy in tl\" in docs/LANGUAGE.md)")
            }
        }
    }
}

extension CallArguments {
    /// An argument as an array: arrays as they are, numbers and nested lists converted (NumPy's rules).
    func ndarray(_ name: String, dtype: DType? = nil) throws -> NDArray {
        try ArrayObject.array(from: self[name], role: "argument '\(name)' of \(commandName)()", dtype: dtype)
    }

    func operand(_ name: String) throws -> Operand {
        guard let operand = try ArrayObject.operand(self[name]) else { throw typeError(name, expected: "a number or an array") }
        return operand
    }

    /// A Python number, or a NumPy scalar as one.
    func number(_ name: String) throws -> PythonNumber {
        switch try self[name].scalarOrSelf() {
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .float(let d): return .float(d)
        default: throw typeError(name, expected: "a number")
        }
    }

    /// A shape: one size or a tuple/list of sizes.
    func sizes(_ name: String) throws -> [Int] {
        let value = try self[name].scalarOrSelf()
        if let n = value.asInt { return [n] }
        guard let items = value.asSequence else { throw typeError(name, expected: "an integer or a tuple of integers") }
        return try items.map { item in
            guard let n = try item.scalarOrSelf().asInt else { throw typeError(name, expected: "a tuple of integers") }
            return n
        }
    }

    /// `axis=`: None, an integer or a tuple of integers.
    func axes(_ name: String) throws -> [Int]? {
        self[name].isNone ? nil : try sizes(name)
    }

    func dtype(_ name: String) throws -> DType? { try dtypeArgument(self[name]) }

    /// A list or tuple of arrays (or of nested lists).
    func arrayList(_ name: String) throws -> [NDArray] {
        guard let items = self[name].asSequence else { throw typeError(name, expected: "a list or tuple of arrays") }
        return try items.map { try ArrayObject.array(from: $0, role: "argument '\(name)' of \(commandName)()") }
    }
}
