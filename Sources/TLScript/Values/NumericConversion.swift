/// Float to integer conversions that raise Python's errors instead of trapping: every place that
/// turns a script's float into an `Int` goes through here.
public enum NumericConversion {
    /// `int(x)` for a float: truncates; NaN is ValueError, infinities and values beyond 64 bits are
    /// OverflowError (Python's ints are unbounded, tl's are 64-bit).
    public static func truncatedInteger(_ x: Double) throws -> Int {
        if x.isNaN { throw ScriptError(.value, "cannot convert float NaN to integer") }
        if x.isInfinite { throw ScriptError(.overflow, "cannot convert float infinity to integer") }
        // 2^63 is the first double beyond Int.max; -2^63 itself fits.
        guard x < 9_223_372_036_854_775_808.0, x >= -9_223_372_036_854_775_808.0 else {
            throw ScriptError(.overflow, "int too large to convert: \(formatFloat(x)) is beyond tl's 64-bit integers")
        }
        return Int(x)
    }

    /// `round(x)`: half to even, with the same errors.
    public static func roundedInteger(_ x: Double) throws -> Int {
        try truncatedInteger(x.isFinite ? x.rounded(.toNearestOrEven) : x)
    }

    /// The product of sizes (a shape's element count, a repetition), or MemoryError when it overflows.
    public static func checkedProduct(_ factors: [Int], what: String = "size") throws -> Int {
        var product = 1
        for factor in factors {
            guard factor >= 0 else { throw ScriptError(.value, "negative dimensions are not allowed") }
            let next = product.multipliedReportingOverflow(by: factor)
            if next.overflow { throw ScriptError(.memory, "the \(what) \(factors) is too large to allocate") }
            product = next.partialValue
        }
        return product
    }
}
