/// How one series is drawn, parsed from a matplotlib format string such as `"bo"`, `"r--"` or `"go-"`.
///
/// matplotlib's rules, which Keras users rely on when they replay plotting code:
/// - the string is `[marker][line][colour]` in any order, each part optional;
/// - a marker without a line style draws only markers (`"bo"`: blue dots);
/// - no marker and no line style draws a solid line (`"b"`: blue line);
/// - no colour takes the next colour of the default cycle.
public struct PlotStyle: Equatable, Sendable {
    /// A colour as 8-bit red, green and blue.
    public struct Color: Equatable, Sendable {
        public var red: UInt8, green: UInt8, blue: UInt8
        public init(red: UInt8, green: UInt8, blue: UInt8) {
            self.red = red; self.green = green; self.blue = blue
        }
        /// `#rrggbb`, as gnuplot's `rgb` option wants it.
        public var hex: String {
            "#" + [red, green, blue].map { byte in
                let digits = String(byte, radix: 16)
                return digits.count == 1 ? "0" + digits : digits
            }.joined()
        }
    }

    public enum Marker: String, CaseIterable, Sendable {
        case point = ".", pixel = ",", circle = "o", cross = "x", plus = "+", square = "s"
        case triangleUp = "^", triangleDown = "v", triangleLeft = "<", triangleRight = ">"
        case diamond = "D", thinDiamond = "d", star = "*", pentagon = "p", hexagon = "h"
    }

    /// matplotlib's line styles; `.none` (`linestyle='None'`) draws no connecting line.
    public enum LineStyle: String, CaseIterable, Sendable {
        case solid = "-", dashed = "--", dashDot = "-.", dotted = ":", none = "None"
    }

    public var color: Color?
    public var marker: Marker?
    public var line: LineStyle?
    /// Line width in points (`linewidth=`/`lw=`); nil: matplotlib's 1.5.
    public var lineWidth: Double?
    /// Marker size in points (`markersize=`/`ms=`); nil: matplotlib's 6.
    public var markerSize: Double?
    /// Opacity from 0 (invisible) to 1 (`alpha=`); nil: opaque.
    public var alpha: Double?

    public init(color: Color? = nil, marker: Marker? = nil, line: LineStyle? = nil,
                lineWidth: Double? = nil, markerSize: Double? = nil, alpha: Double? = nil) {
        self.color = color; self.marker = marker; self.line = line
        self.lineWidth = lineWidth; self.markerSize = markerSize; self.alpha = alpha
    }

    /// matplotlib's single-letter colours (`matplotlib.colors.BASE_COLORS`).
    public static let namedColors: [Character: Color] = [
        "b": Color(red: 0, green: 0, blue: 255),
        "g": Color(red: 0, green: 128, blue: 0),
        "r": Color(red: 255, green: 0, blue: 0),
        "c": Color(red: 0, green: 191, blue: 191),
        "m": Color(red: 191, green: 0, blue: 191),
        "y": Color(red: 191, green: 191, blue: 0),
        "k": Color(red: 0, green: 0, blue: 0),
        "w": Color(red: 255, green: 255, blue: 255),
    ]

    /// matplotlib's default colour cycle ("tab10"), used for series whose format names no colour.
    public static let defaultCycle: [Color] = [
        (0x1f, 0x77, 0xb4), (0xff, 0x7f, 0x0e), (0x2c, 0xa0, 0x2c), (0xd6, 0x27, 0x28), (0x94, 0x67, 0xbd),
        (0x8c, 0x56, 0x4b), (0xe3, 0x77, 0xc2), (0x7f, 0x7f, 0x7f), (0xbc, 0xbd, 0x22), (0x17, 0xbe, 0xcf),
    ].map { Color(red: $0.0, green: $0.1, blue: $0.2) }

    /// Parses a matplotlib format string; throws naming the first character it does not understand.
    public init(format: String) throws {
        var style = PlotStyle()
        let characters = Array(format)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            // Two-character line styles first, so "--" is not read as two solid lines.
            if index + 1 < characters.count,
               let line = LineStyle(rawValue: String(characters[index...index + 1])) {
                try style.set(\.line, line, format: format, what: "line style")
                index += 2
                continue
            }
            // "C0".."C9": a colour of the default cycle, as in "C1--".
            if character == "C", index + 1 < characters.count, let digit = characters[index + 1].wholeNumberValue {
                try style.set(\.color, Self.defaultCycle[digit], format: format, what: "colour")
                index += 2
                continue
            }
            if let line = LineStyle(rawValue: String(character)) {
                try style.set(\.line, line, format: format, what: "line style")
            } else if let marker = Marker(rawValue: String(character)) {
                try style.set(\.marker, marker, format: format, what: "marker")
            } else if let color = Self.namedColors[character] {
                try style.set(\.color, color, format: format, what: "colour")
            } else if !character.isWhitespace {
                throw PlotError.unrecognizedFormat(format: format, character: character)
            }
            index += 1
        }
        self = style
    }

    private mutating func set<Value>(_ keyPath: WritableKeyPath<PlotStyle, Value?>, _ value: Value,
                                     format: String, what: String) throws {
        guard self[keyPath: keyPath] == nil else { throw PlotError.conflictingFormat(format: format, what: what) }
        self[keyPath: keyPath] = value
    }

    /// Whether a connecting line is drawn: explicitly asked for, or implied by the absence of a marker.
    public var drawsLine: Bool { line != nil || marker == nil }

    /// The line style actually drawn, `nil` when only markers (or nothing) are drawn.
    public var effectiveLine: LineStyle? {
        guard drawsLine, line != LineStyle.none else { return nil }
        return line ?? .solid
    }
}
