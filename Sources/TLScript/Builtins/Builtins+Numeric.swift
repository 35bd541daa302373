import Foundation

extension Interpreter {
    func registerNumericBuiltins() {
        register(CommandSpec(name: "abs", parameters: [ParameterSpec("x")], doc: "abs(x): the absolute value.") { args, _ in
            if case .object(let object) = args["x"], let result = try object.unaryOperation("abs") { return result }
            let value = try args["x"].scalarOrSelf()
            switch value {
            case .int(let i):
                guard i != .min else { throw ScriptError(.overflow, "integer overflow in abs(\(i)) (tl integers are 64-bit)") }
                return .int(abs(i))
            case .bool(let b): return .int(b ? 1 : 0)
            case .float(let d): return .float(abs(d))
            default: throw ScriptError(.type, "bad operand type for abs(): '\(value.typeName)'")
            }
        })
        register(CommandSpec(name: "round", parameters: [ParameterSpec("number"), ParameterSpec("ndigits", default: .none)],
                             doc: "round(number, ndigits=None): rounds half to even; an int without ndigits.") { args, _ in
            try Interpreter.round(try args["number"].scalarOrSelf(), ndigits: try args["ndigits"].scalarOrSelf())
        })
        register(CommandSpec(name: "divmod", parameters: [ParameterSpec("a"), ParameterSpec("b")],
                             doc: "divmod(a, b): the pair (a // b, a % b).") { args, _ in
            .tuple([try Operators.binary("//", args["a"], args["b"]), try Operators.binary("%", args["a"], args["b"])])
        })
        register(CommandSpec(name: "pow", parameters: [ParameterSpec("base"), ParameterSpec("exp")],
                             doc: "pow(base, exp): base ** exp.") { args, _ in
            try Operators.binary("**", args["base"], args["exp"])
        })
        register(CommandSpec(name: "smooth_curve", parameters: [ParameterSpec("points", kind: .list), ParameterSpec("factor", default: 0.8, kind: .number)],
                             doc: "smooth_curve(points, factor=0.8): exponential moving average; the first point is kept.") { args, _ in
            let points = try args.doubles("points")
            let factor = try args.double("factor")
            var smoothed: [Double] = []
            for point in points {
                if let previous = smoothed.last { smoothed.append(previous * factor + point * (1 - factor)) } else { smoothed.append(point) }
            }
            return .floats(smoothed)
        })
    }

    /// Python's `round`: half to even; `round(x)` is an int, `round(x, n)` keeps the type.
    static func round(_ number: Value, ndigits: Value) throws -> Value {
        guard let x = number.asDouble else { throw ScriptError(.type, "type \(number.typeName) doesn't define __round__ method") }
        guard !ndigits.isNone else {
            if let i = number.asInt { return .int(i) }
            return .int(try NumericConversion.roundedInteger(x))
        }
        guard let digits = ndigits.asInt else { throw ScriptError(.type, "'\(ndigits.typeName)' object cannot be interpreted as an integer") }
        if let i = number.asInt {
            guard digits < 0 else { return .int(i) }
            guard digits > -19 else { return .int(0) }
            let scale = Int(pow(10.0, Double(-digits)))
            let (quotient, remainder) = i.quotientAndRemainder(dividingBy: scale)
            let doubled = abs(remainder) * 2
            var rounded = quotient
            if doubled > scale || (doubled == scale && quotient % 2 != 0) { rounded += i < 0 ? -1 : 1 }
            let result = rounded.multipliedReportingOverflow(by: scale)
            if result.overflow { throw ScriptError(.overflow, "integer overflow in round(\(i), \(digits))") }
            return .int(result.partialValue)
        }
        guard x.isFinite else { return .float(x) }
        if digits > 308 { return .float(x) }
        if digits < -308 { return .float(0 * x) }
        guard digits >= 0 else {
            let scale = pow(10.0, Double(-digits))
            return .float((x / scale).rounded(.toNearestOrEven) * scale)
        }
        // printf rounds the exact binary value correctly, which is what Python's round does.
        return .float(Double(String(format: "%.\(min(digits, 340))f", x)) ?? x)
    }
}
