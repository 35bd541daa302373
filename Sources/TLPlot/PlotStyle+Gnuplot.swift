/// How a ``PlotStyle`` is spelled in a gnuplot `plot` clause.
extension PlotStyle {
    /// The `with ...` clause for this style drawn in `color` (the resolved colour, cycle included).
    func gnuplotClause(color: Color) -> String {
        var parts: [String] = []
        switch (marker, effectiveLine) {
        case (nil, _): parts.append("with lines")
        case (_?, nil): parts.append("with points")
        case (_?, _?): parts.append("with linespoints")
        }
        parts.append("lc rgb '\(color.gnuplotHex(alpha: alpha))'")
        if let line = effectiveLine {
            // matplotlib's default line width is 1.5 points.
            parts.append("lw \(lineWidth.map(GnuplotSyntax.short) ?? "1.5")")
            parts.append("dt \(line.gnuplotDashType)")
        }
        if let marker {
            parts.append("pt \(marker.gnuplotPointType) ps \(marker.gnuplotPointSize(markerSize: markerSize))")
        }
        return parts.joined(separator: " ")
    }
}

extension PlotStyle.LineStyle {
    /// Dash patterns in the spirit of matplotlib's (dash and gap lengths relative to the line width).
    var gnuplotDashType: String {
        switch self {
        case .solid, .none: return "solid"
        case .dashed: return "(7,4)"
        case .dashDot: return "(7,3,1,3)"
        case .dotted: return "(1,3)"
        }
    }
}

extension PlotStyle.Marker {
    /// gnuplot's point types on the cairo terminals (filled shapes, as matplotlib draws them).
    var gnuplotPointType: Int {
        switch self {
        case .point, .pixel, .circle: return 7
        case .plus: return 1
        case .cross: return 2
        case .star: return 3
        case .square: return 5
        case .triangleUp: return 9
        case .triangleDown, .triangleLeft, .triangleRight: return 11
        case .diamond, .thinDiamond: return 13
        case .pentagon: return 15
        case .hexagon: return 7
        }
    }

    /// gnuplot's point size for a marker `points` wide: matplotlib's default 6-point marker is `ps 0.9`.
    static let pointSizePerPoint = 0.15

    /// Sizes that match matplotlib's markers at 100 dpi (6 points unless `markerSize` says otherwise);
    /// `.` is drawn at half the size, `,` is always a pixel.
    func gnuplotPointSize(markerSize: Double?) -> String {
        switch self {
        case .pixel: return "0.2"
        case .point: return GnuplotSyntax.short((markerSize ?? 6) * Self.pointSizePerPoint / 2)
        default: return GnuplotSyntax.short((markerSize ?? 6) * Self.pointSizePerPoint)
        }
    }
}
