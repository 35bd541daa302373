import TLArray
import TLScript

/// The `np.` functions of everyday notebook code beyond the first set: the trigonometric, hyperbolic and
/// logarithmic ufuncs, running sums and differences, flips, tiles, repeats and splits, order statistics,
/// `isclose`, the logical ufuncs, `meshgrid`, and the distributions of `np.random` people reach for.
extension NumPyCommands {
    static func elementary() -> [CommandSpec] {
        let unary: [UnaryOperator] = [.sin, .cos, .tan, .arcsin, .arccos, .arctan, .sinh, .cosh, .tanh, .log10, .log2, .log1p,
                                      .expm1, .exp2, .square, .isinf, .isfinite]
        var specs = unary.map { op in
            function(op.rawValue, [ParameterSpec("x")]) { args in ArrayObject.wrap(try args.ndarray("x").applying(op)) }
        }
        specs.append(function("logical_not", [ParameterSpec("x")]) { args in
            ArrayObject.wrap(try args.ndarray("x").astype(.bool).applying(.invert))
        })
        for (name, op) in [("logical_and", BinaryOperator.and), ("logical_or", .or), ("logical_xor", .xor)] {
            specs.append(function(name, [ParameterSpec("x1"), ParameterSpec("x2")]) { args in
                ArrayObject.wrap(try NDArray.logical(op, try args.operand("x1"), try args.operand("x2")))
            })
        }
        specs.append(function("isclose", [ParameterSpec("a"), ParameterSpec("b"), ParameterSpec("rtol", default: 1e-5, kind: .number),
                                          ParameterSpec("atol", default: 1e-8, kind: .number), ParameterSpec("equal_nan", default: false, kind: .bool)]) { args in
            ArrayObject.wrap(try NDArray.isClose(try args.operand("a"), try args.operand("b"), relativeTolerance: try args.double("rtol"),
                                                 absoluteTolerance: try args.double("atol"), equalNaN: try args.bool("equal_nan")))
        })
        return specs
    }

    static func sequences() -> [CommandSpec] {
        var specs: [CommandSpec] = [
            function("diff", [ParameterSpec("a"), ParameterSpec("n", default: 1, kind: .int), ParameterSpec("axis", default: -1, kind: .int)]) { args in
                array(try args.ndarray("a").differences(count: try args.int("n"), axis: try args.int("axis")))
            },
            function("flip", [ParameterSpec("m"), ParameterSpec("axis", default: .none)]) { args in
                array(try args.ndarray("m").flipped(axes: try args.axes("axis")))
            },
            function("fliplr", [ParameterSpec("m")]) { args in array(try args.ndarray("m").flipped(axes: [1])) },
            function("flipud", [ParameterSpec("m")]) { args in array(try args.ndarray("m").flipped(axes: [0])) },
            function("tile", [ParameterSpec("A"), ParameterSpec("reps")]) { args in
                array(try args.ndarray("A").tiled(try args.sizes("reps")))
            },
            function("repeat", [ParameterSpec("a"), ParameterSpec("repeats"), ParameterSpec("axis", default: .none)]) { args in
                try repeatArray(args, "a")
            },
            function("meshgrid", [ParameterSpec("indexing", default: "xy", kind: .string, keywordOnly: true)], extra: true) { args in
                let indexing = try args.string("indexing")
                guard indexing == "xy" || indexing == "ij" else { throw ScriptError(.value, "Valid values for `indexing` are 'xy' and 'ij'.") }
                let vectors = try args.extraPositional.map { try ArrayObject.array(from: $0, role: "argument of meshgrid()") }
                return .tuple(try NDArray.meshgrid(vectors, cartesian: indexing == "xy").map(array))
            },
        ]
        for (name, equal) in [("split", true), ("array_split", false)] {
            specs.append(function(name, [ParameterSpec("ary"), ParameterSpec("indices_or_sections"), ParameterSpec("axis", default: 0, kind: .int)]) { args in
                let a = try args.ndarray("ary"), axis = try args.int("axis")
                let pieces = try args["indices_or_sections"].asInt.map { try a.split(sections: $0, axis: axis, equal: equal) }
                    ?? a.split(at: try args.sizes("indices_or_sections"), axis: axis)
                return .list(pieces.map(array))
            })
        }
        for (name, op) in [("cumsum", BinaryOperator.add), ("cumprod", .multiply)] {
            specs.append(function(name, [ParameterSpec("a"), ParameterSpec("axis", default: .none)]) { args in
                try accumulate(args, "a", op)
            })
        }
        return specs
    }

    /// `np.repeat(a, repeats, axis)` / `a.repeat(...)`.
    static func repeatArray(_ args: CallArguments, _ receiver: String) throws -> Value {
        let axis = try args.optionalInt("axis")
        return array(try args.ndarray(receiver).repeated(try args.sizes("repeats"), axis: axis))
    }

    /// `np.cumsum(a, axis)` / `a.cumsum(...)` and the products.
    static func accumulate(_ args: CallArguments, _ receiver: String, _ op: BinaryOperator) throws -> Value {
        let axis = try args.optionalInt("axis")
        return array(try args.ndarray(receiver).accumulated(op, axis: axis))
    }

    static func statistics() -> [CommandSpec] {
        var specs: [CommandSpec] = [
            function("median", [ParameterSpec("a"), ParameterSpec("axis", default: .none)]) { args in
                let axis = try args.optionalInt("axis")
                return ArrayObject.wrap(try args.ndarray("a").median(axis: axis))
            },
        ]
        for (name, scale) in [("quantile", 1.0), ("percentile", 100.0)] {
            specs.append(function(name, [ParameterSpec("a"), ParameterSpec("q"), ParameterSpec("axis", default: .none)]) { args in
                let a = try args.ndarray("a"), axis = try args.optionalInt("axis")
                let q = try args.ndarray("q", dtype: .float64)
                let fractions = q.values(as: Double.self).map { $0 / scale }
                guard fractions.allSatisfy({ (0...1).contains($0) }) else {
                    throw ScriptError(.value, name == "quantile" ? "Quantiles must be in the range [0, 1]" : "Percentiles must be in the range [0, 100]")
                }
                var weakQ = false   // a Python number: NEP 50 lets a float32 array keep its dtype
                if case .int = args["q"] { weakQ = true } else if case .float = args["q"] { weakQ = true }
                let type: DType = a.dtype == .float32 && weakQ ? .float32 : .float64
                return ArrayObject.wrap(try numpy { try a.quantiles(fractions, qShape: q.shape, axis: axis, floatResult: type) })
            })
        }
        return specs
    }

    static func moreRandomCommands(_ random: ArrayRandom) -> [CommandSpec] {
        [
            function("random.normal", [ParameterSpec("loc", default: 0.0, kind: .number), ParameterSpec("scale", default: 1.0, kind: .number),
                                       ParameterSpec("size", default: .none)]) { args in
                let shape = args["size"].isNone ? [] : try args.sizes("size")
                let values = try random.normal(mean: try args.double("loc"), deviation: try args.double("scale"), shape: shape)
                return args["size"].isNone ? .float(values.scalar!.doubleValue) : array(values)
            },
            function("random.uniform", [ParameterSpec("low", default: 0.0, kind: .number), ParameterSpec("high", default: 1.0, kind: .number),
                                        ParameterSpec("size", default: .none)]) { args in
                let shape = args["size"].isNone ? [] : try args.sizes("size")
                let values = try random.uniform(low: try args.double("low"), high: try args.double("high"), shape: shape)
                return args["size"].isNone ? .float(values.scalar!.doubleValue) : array(values)
            },
            function("random.choice", [ParameterSpec("a"), ParameterSpec("size", default: .none), ParameterSpec("replace", default: true, kind: .bool),
                                       ParameterSpec("p", default: .none)]) { args in
                if let items = args["a"].asSequence, items.contains(where: { if case .string = $0 { return true } else { return false } }), args["size"].isNone {
                    // One pick from a list of strings (file names, class names): the element itself.
                    let p = args["p"].isNone ? nil : try args.ndarray("p", dtype: .float64).values(as: Double.self)
                    return items[try random.choice(population: items.count, count: 1, replace: true, probabilities: p)[0]]
                }
                let population = try args["a"].asInt.map { NDArray(shape: [max($0, 0)], values: (0..<Int64(max($0, 0))).map { $0 }) }
                    ?? args.ndarray("a")
                guard population.ndim == 1 else { throw ScriptError(.value, "a must be 1-dimensional") }
                let shape = args["size"].isNone ? [] : try args.sizes("size")
                let p = args["p"].isNone ? nil : try args.ndarray("p", dtype: .float64).values(as: Double.self)
                let picks = try random.choice(population: population.size, count: shape.reduce(1, *), replace: try args.bool("replace"), probabilities: p)
                let index = NDArray(shape: shape, values: picks.map(Int64.init))
                return ArrayObject.wrap(try population.subscripted([.array(index)]).array)
            },
        ]
    }
}

extension NumPyCommands {
    /// `keras.utils.to_categorical(x, num_classes=None)`: one-hot rows for integer labels, as Keras 3 makes them
    /// (float64; a trailing axis of 1 is dropped; labels are truncated to integers; a negative label counts
    /// from the end, as NumPy's indexing does). `dtype=` is tf.keras 2's argument (`'float32'` there by default).
    static let toCategorical = CommandSpec(
        name: "to_categorical", parameters: [ParameterSpec("x"), ParameterSpec("num_classes", default: .none), ParameterSpec("dtype", default: .none)],
        aliases: ["keras.utils.to_categorical", "utils.to_categorical", "tf.keras.utils.to_categorical", "keras.utils.np_utils.to_categorical",
                  "np_utils.to_categorical"]
    ) { args, _ in
        try numpy {
            let labels = try args.ndarray("x").astype(.int64)
            var shape = labels.shape
            if shape.count > 1, shape.last == 1 { shape.removeLast() }
            let flat = labels.values(as: Int64.self)
            let classes = args["num_classes"].isNone ? Int((flat.max() ?? -1) + 1) : try args.int("num_classes")
            guard classes >= 0 else { throw ArrayError(.value, "negative dimensions are not allowed") }
            var onehot = [Double](repeating: 0, count: flat.count * classes)
            for (row, label) in flat.enumerated() {
                let column = label < 0 ? Int(label) + classes : Int(label)
                guard (0..<classes).contains(column) else {
                    throw ArrayError(.index, "index \(label) is out of bounds for axis 1 with size \(classes)")
                }
                onehot[row * classes + column] = 1
            }
            let result = NDArray(shape: shape + [classes], values: onehot)
            return ArrayObject.wrap(try args.dtype("dtype").map { result.astype($0) } ?? result, scalar: false)
        }
    }
}
