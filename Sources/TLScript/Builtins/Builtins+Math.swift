import Foundation

extension Interpreter {
    /// `math.` and `time.` (what notebooks use of them).
    func registerMathBuiltins() {
        let unary: [(String, (Double) -> Double)] = [
            ("sqrt", { $0.squareRoot() }), ("exp", { Foundation.exp($0) }), ("log10", { Foundation.log10($0) }),
            ("log2", { Foundation.log2($0) }), ("sin", { Foundation.sin($0) }), ("cos", { Foundation.cos($0) }),
            ("tan", { Foundation.tan($0) }), ("atan", { Foundation.atan($0) }), ("tanh", { Foundation.tanh($0) }),
            ("fabs", { abs($0) }), ("asin", { Foundation.asin($0) }), ("acos", { Foundation.acos($0) }),
            ("log1p", { Foundation.log1p($0) }), ("expm1", { Foundation.expm1($0) }),
        ]
        for (name, function) in unary {
            register(CommandSpec(name: "math.\(name)", parameters: [ParameterSpec("x")], doc: "math.\(name)(x), as Python's.") { args, _ in
                let x = try Interpreter.real(args["x"])
                let result = function(x)
                // log10(0) is -inf in C but a domain error in Python.
                if name.hasPrefix("log"), result.isInfinite, x.isFinite { throw ScriptError(.value, "math domain error") }
                return .float(try Interpreter.mathResult(result, input: x))
            })
        }
        register(CommandSpec(name: "math.log", parameters: [ParameterSpec("x"), ParameterSpec("base", default: .none)],
                             doc: "math.log(x, base=e), as Python's.") { args, _ in
            let x = try Interpreter.real(args["x"])
            guard x > 0 || x.isNaN else { throw ScriptError(.value, "math domain error") }
            guard !args["base"].isNone else { return .float(Foundation.log(x)) }
            let base = try Interpreter.real(args["base"])
            guard base > 0, base != 1 else { throw ScriptError(base == 1 ? .zeroDivision : .value, base == 1 ? "float division by zero" : "math domain error") }
            return .float(Foundation.log(x) / Foundation.log(base))
        })
        for (name, down) in [("floor", true), ("ceil", false), ("trunc", true)] {
            register(CommandSpec(name: "math.\(name)", parameters: [ParameterSpec("x")], doc: "math.\(name)(x): an int, as Python's.") { args, _ in
                let value = try args["x"].scalarOrSelf()
                if let i = value.asInt { return .int(i) }
                let x = try Interpreter.real(value)
                let rounded = name == "trunc" ? x.rounded(.towardZero) : x.rounded(down ? .down : .up)
                return .int(try NumericConversion.truncatedInteger(rounded))
            })
        }
        for (name, test) in [("isnan", { (x: Double) in x.isNaN }), ("isinf", { $0.isInfinite }), ("isfinite", { $0.isFinite })] {
            register(CommandSpec(name: "math.\(name)", parameters: [ParameterSpec("x")], doc: "math.\(name)(x), as Python's.") { args, _ in
                .bool(test(try Interpreter.real(args["x"])))
            })
        }
        register(CommandSpec(name: "math.pow", parameters: [ParameterSpec("x"), ParameterSpec("y")], doc: "math.pow(x, y): a float power.") { args, _ in
            try Operators.binary("**", .float(try Interpreter.real(args["x"])), .float(try Interpreter.real(args["y"])))
        })
        register(CommandSpec(name: "math.isclose", parameters: [ParameterSpec("a"), ParameterSpec("b"), ParameterSpec("rel_tol", default: 1e-9, keywordOnly: true),
                                                                ParameterSpec("abs_tol", default: 0.0, keywordOnly: true)],
                             doc: "math.isclose(a, b, rel_tol=1e-09, abs_tol=0.0), as Python's.") { args, _ in
            let (a, b) = (try Interpreter.real(args["a"]), try Interpreter.real(args["b"]))
            if a == b { return .bool(true) }
            let tolerance = max(try Interpreter.real(args["rel_tol"]) * max(abs(a), abs(b)), try Interpreter.real(args["abs_tol"]))
            return .bool(abs(a - b) <= tolerance)
        })
        let constants: [(String, Double)] = [("pi", .pi), ("e", M_E), ("tau", 2 * .pi), ("inf", .infinity), ("nan", .nan)]
        for (name, value) in constants { builtinValues["math.\(name)"] = .float(value) }
        register(CommandSpec(name: "time.time", doc: "time.time(): seconds since the epoch, as a float.") { _, _ in
            .float(Date().timeIntervalSince1970)
        })
        register(CommandSpec(name: "time.perf_counter", doc: "time.perf_counter(): a clock for measuring durations, in seconds.") { _, _ in
            .float(Double(DispatchTime.now().uptimeNanoseconds) / 1e9)
        })
    }

    /// A number argument of a math function (NumPy scalars included), else Python's TypeError.
    static func real(_ value: Value) throws -> Double {
        guard let x = try value.scalarOrSelf().asDouble else { throw ScriptError(.type, "must be real number, not \(value.typeName)") }
        return x
    }

    /// Python's math errors: a NaN from a number is a domain error, an infinity from a finite one a range error.
    static func mathResult(_ result: Double, input: Double) throws -> Double {
        if result.isNaN && !input.isNaN { throw ScriptError(.value, "math domain error") }
        if result.isInfinite && input.isFinite { throw ScriptError(.overflow, "math range error") }
        return result
    }
}
