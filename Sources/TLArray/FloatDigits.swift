import Foundation

/// A finite float as decimal digits: `value = ±d.ddd × 10^exponent`, digits without leading or
/// trailing zeros (zero is the single digit "0").
struct DecimalDigits {
    var negative: Bool
    var digits: [Character]
    var exponent: Int

    /// The shortest digits that read back as the same float32 (`float32`) or float64 value, as NumPy's
    /// Dragon4 in unique mode and Python's `repr` choose them (Swift's `description` gives those).
    static func shortest(_ value: Double, float32: Bool) -> DecimalDigits {
        let text = float32 ? "\(Float(value).magnitude)" : "\(value.magnitude)"
        return parse(text, negative: value.sign == .minus)
    }

    /// The value rounded to `places` digits after the point (exact binary value, ties to even, as
    /// Dragon4 with a cutoff and printf both round).
    static func rounded(_ value: Double, fractionDigits places: Int) -> DecimalDigits {
        parse(String(format: "%.\(places)f", value.magnitude), negative: value.sign == .minus)
    }

    /// The value rounded to `places` digits after the first significant one.
    static func rounded(_ value: Double, significantDigitsAfterFirst places: Int) -> DecimalDigits {
        parse(String(format: "%.\(places)e", value.magnitude), negative: value.sign == .minus)
    }

    /// Reads `123.45`, `1.5e-07` or `0.001` (no sign).
    private static func parse(_ text: String, negative: Bool) -> DecimalDigits {
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...])!
            mantissa = text[..<e]
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        var digits = Array(parts[0]) + (parts.count > 1 ? Array(parts[1]) : [])
        var point = parts[0].count
        while digits.count > 1 && digits.first == "0" { digits.removeFirst(); point -= 1 }
        while digits.count > 1 && digits.last == "0" { digits.removeLast() }
        if digits == ["0"] { return DecimalDigits(negative: negative, digits: ["0"], exponent: 0) }
        return DecimalDigits(negative: negative, digits: digits, exponent: exponent + point - 1)
    }

    /// Digits after the decimal point in positional notation.
    var fractionDigitCount: Int { max(0, digits.count - exponent - 1) }

    /// The integer and fraction parts in positional notation (fraction without trailing zeros).
    var positionalParts: (integer: String, fraction: String) {
        if exponent < 0 {
            return ("0", String(repeating: "0", count: -exponent - 1) + String(digits))
        }
        let integerDigits = String(digits.prefix(exponent + 1)) + String(repeating: "0", count: max(0, exponent + 1 - digits.count))
        return (integerDigits, String(digits.dropFirst(exponent + 1)))
    }
}

/// Python's `repr`/`str` of a float and NumPy's of a float scalar: shortest digits, positional for
/// magnitudes in [1e-4, 1e16) (float32: [1e-4, 1e6), as NumPy's scalars print), else scientific
/// (`0.1`, `1.0`, `1e-05`, `1.5e+16`, `1.234567e+06`, `nan`, `-inf`).
public func pythonFloatText(_ value: Double, float32: Bool) -> String {
    if value.isNaN { return "nan" }
    if value.isInfinite { return value < 0 ? "-inf" : "inf" }
    let d = DecimalDigits.shortest(value, float32: float32)
    let sign = d.negative ? "-" : ""
    let magnitude = Swift.abs(value)
    if magnitude != 0 && (magnitude < 1e-4 || magnitude >= (float32 ? 1e6 : 1e16)) {
        let mantissa = String(d.digits.first!) + (d.digits.count > 1 ? "." + String(d.digits.dropFirst()) : "")
        return sign + mantissa + "e" + (d.exponent < 0 ? "-" : "+") + (abs(d.exponent) < 10 ? "0" : "") + String(abs(d.exponent))
    }
    let parts = d.positionalParts
    return sign + parts.integer + "." + (parts.fraction.isEmpty ? "0" : parts.fraction)
}

/// NumPy's Dragon4 formatting as `array2string` drives it: unique digits, at most `precision` of them
/// after the point, trailing zeros trimmed (but at least `minDigits` kept), padded to columns.
struct Dragon4 {
    var float32: Bool
    var precision = 8
    var minDigits = 0
    var padLeft = 0
    var padRight = 0
    var exponentDigits = -1

    /// `dragon4_positional(x, precision, min_digits, unique=True, fractional=True, trim='.', pad_left, pad_right)`.
    func positional(_ value: Double) -> String {
        var d = DecimalDigits.shortest(value, float32: float32)
        if d.fractionDigitCount > precision { d = DecimalDigits.rounded(value, fractionDigits: precision) }
        var (integer, fraction) = d.positionalParts
        if fraction.count < minDigits {
            // More digits than the shortest form: the exact value's, as Dragon4 generates them.
            let longer = String(format: "%.\(minDigits)f", value.magnitude).split(separator: ".", omittingEmptySubsequences: false)
            (integer, fraction) = (String(longer[0]), String(longer[1]))
        }
        let head = (d.negative ? "-" : "") + integer
        return pad(head, left: padLeft) + "." + fraction + String(repeating: " ", count: max(0, padRight - fraction.count))
    }

    /// `dragon4_scientific(x, precision, min_digits, unique=True, trim='.', pad_left, exp_digits)`.
    func scientific(_ value: Double) -> String {
        var d = DecimalDigits.shortest(value, float32: float32)
        if d.digits.count - 1 > precision { d = DecimalDigits.rounded(value, significantDigitsAfterFirst: precision) }
        var fraction = String(d.digits.dropFirst())
        if fraction.count < minDigits {
            // More digits than the shortest form: the exact value's, as Dragon4 generates them.
            d = DecimalDigits.rounded(value, significantDigitsAfterFirst: minDigits)
            fraction = String(d.digits.dropFirst())
            fraction += String(repeating: "0", count: max(0, minDigits - fraction.count))
        }
        let head = (d.negative ? "-" : "") + String(d.digits.first!)
        var exponent = String(abs(d.exponent))
        exponent = String(repeating: "0", count: max(0, max(2, exponentDigits) - exponent.count)) + exponent
        return pad(head, left: padLeft) + "." + fraction + "e" + (d.exponent < 0 ? "-" : "+") + exponent
    }

    private func pad(_ text: String, left width: Int) -> String {
        String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
