/// matplotlib's keyword spellings of styles: `linestyle='dashed'`, `marker='o'`, `color='tab:red'`.
extension PlotStyle.LineStyle {
    /// A `linestyle=` value: a symbol (`'-' '--' '-.' ':'`), a name (`'solid' 'dashed' 'dashdot' 'dotted'`)
    /// or no line (`'None' 'none' ' ' ''`).
    public init(keyword: String) throws {
        switch keyword {
        case "solid": self = .solid
        case "dashed": self = .dashed
        case "dashdot": self = .dashDot
        case "dotted": self = .dotted
        case "None", "none", " ", "": self = .none
        default:
            guard let style = PlotStyle.LineStyle(rawValue: keyword) else {
                throw PlotError.unsupportedStyle(what: "linestyle", value: keyword,
                    supported: "'-' '--' '-.' ':', 'solid' 'dashed' 'dashdot' 'dotted', or 'None'")
            }
            self = style
        }
    }
}

extension PlotStyle.Marker {
    /// A `marker=` value: one of matplotlib's marker symbols; `'None'`, `'none'` and `''` mean no marker (nil).
    public static func keyword(_ keyword: String) throws -> PlotStyle.Marker? {
        if ["None", "none", " ", ""].contains(keyword) { return nil }
        guard let marker = PlotStyle.Marker(rawValue: keyword) else {
            throw PlotError.unsupportedStyle(what: "marker", value: keyword,
                supported: allCases.map { "'\($0.rawValue)'" }.joined(separator: " ") + ", or 'None'")
        }
        return marker
    }
}

extension PlotStyle.Color {
    /// What a colour may be, for messages.
    static let acceptedSpellings = "a name such as 'red' or 'tab:blue', a letter b g r c m y k w, 'C0'...'C9', "
        + "a hex string '#1f77b4' (or '#1f77b480' with alpha), a grey level such as '0.5', or an (r, g, b) tuple of 0-1 values"

    /// A matplotlib colour string: a single letter, a CSS4 name, a `tab:` name, `C0`..`C9`, a grey level
    /// `'0.0'`..`'1.0'`, or `#rgb`, `#rrggbb`, `#rrggbbaa`. Names are case-insensitive, as in matplotlib.
    /// - Returns: the colour and, for `#rrggbbaa`, its alpha.
    public static func parse(_ text: String) throws -> (color: PlotStyle.Color, alpha: Double?) {
        let name = text.trimmingCharacters(in: .whitespaces).lowercased()
        if name.count == 1, let letter = name.first, let color = PlotStyle.namedColors[letter] { return (color, nil) }
        if name.count == 2, name.hasPrefix("c"), let digit = name.last?.wholeNumberValue {
            return (PlotStyle.defaultCycle[digit], nil)
        }
        if let color = PlotStyle.Color.matplotlibNames[name] { return (color, nil) }
        if name.hasPrefix("#"), let parsed = hexColor(String(name.dropFirst())) { return parsed }
        if let grey = Double(name), (0...1).contains(grey) {
            let level = UInt8((grey * 255).rounded())
            return (PlotStyle.Color(red: level, green: level, blue: level), nil)
        }
        throw PlotError.unsupportedStyle(what: "colour", value: text, supported: acceptedSpellings)
    }

    /// An `(r, g, b)` or `(r, g, b, a)` tuple of fractions in 0...1.
    public static func fromFractions(_ parts: [Double]) throws -> (color: PlotStyle.Color, alpha: Double?) {
        guard parts.count == 3 || parts.count == 4, parts.allSatisfy({ (0...1).contains($0) }) else {
            let shown = "(" + parts.map { "\($0)" }.joined(separator: ", ") + ")"
            throw PlotError.unsupportedStyle(what: "colour", value: shown, supported: acceptedSpellings)
        }
        let bytes = parts.map { UInt8(($0 * 255).rounded()) }
        return (PlotStyle.Color(red: bytes[0], green: bytes[1], blue: bytes[2]), parts.count == 4 ? parts[3] : nil)
    }

    private static func hexColor(_ digits: String) -> (color: PlotStyle.Color, alpha: Double?)? {
        let expanded: String
        switch digits.count {
        case 3, 4: expanded = digits.map { "\($0)\($0)" }.joined()
        case 6, 8: expanded = digits
        default: return nil
        }
        guard let value = UInt64(expanded, radix: 16) else { return nil }
        let hasAlpha = expanded.count == 8
        let rgb = hasAlpha ? value >> 8 : value
        let color = PlotStyle.Color(red: UInt8(rgb >> 16 & 0xff), green: UInt8(rgb >> 8 & 0xff), blue: UInt8(rgb & 0xff))
        return (color, hasAlpha ? Double(value & 0xff) / 255 : nil)
    }

    /// gnuplot's colour with transparency: `#AARRGGBB`, where AA counts transparency (00 is opaque).
    func gnuplotHex(alpha: Double?) -> String {
        guard let alpha, alpha < 1 else { return hex }
        let transparency = UInt8((255 * (1 - max(0, alpha))).rounded())
        let digits = String(transparency, radix: 16)
        return "#" + (digits.count == 1 ? "0" : "") + digits + hex.dropFirst()
    }

    /// `0xAARRGGBB` as an integer, for gnuplot's `lc rgb variable` columns.
    func gnuplotInteger(alpha: Double?) -> Int {
        let transparency = alpha.map { Int((255 * (1 - max(0, min(1, $0)))).rounded()) } ?? 0
        return transparency << 24 | Int(red) << 16 | Int(green) << 8 | Int(blue)
    }
}
