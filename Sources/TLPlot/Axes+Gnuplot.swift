/// How one ``Axes`` is spelled in gnuplot: its settings, then one `plot` command.
extension Axes {
    func gnuplotLines(sources: AxesSources) -> [String] {
        var lines: [String] = []
        lines.append(title.map { "set title \($0.gnuplotQuoted) font ',\(GnuplotSyntax.points(fontSizes.title ?? 12))'" } ?? "unset title")
        lines.append(xLabel.map { "set xlabel \($0.gnuplotQuoted)" + Self.font(fontSizes.xLabel) }.flatMap { showsAxis ? $0 : nil } ?? "unset xlabel")
        lines.append(yLabel.map { "set ylabel \($0.gnuplotQuoted)" + Self.font(fontSizes.yLabel) }.flatMap { showsAxis ? $0 : nil } ?? "unset ylabel")
        // matplotlib look: data fills the axes with a 5% margin (bars rest on 0), ticks point outwards, no grid.
        lines += [
            "set autoscale fix",
            "set offsets graph 0.05, graph 0.05, graph 0.05, " + (barsRestOnZero ? "0" : "graph 0.05"),
            "set tics out nomirror",
            showsAxis ? "set border 15" : "unset border",
            gridLine,
        ]
        if equalAspect && position == .whole { lines.append("set size ratio -1") }
        if xLogarithmic { lines.append("set logscale x") }
        if yLogarithmic { lines.append("set logscale y") }
        lines += rangeLines
        lines += tickLines(xTicks, axis: "x", fontSize: fontSizes.xTicks) + tickLines(yTicks, axis: "y", fontSize: fontSizes.yTicks)
        lines.append(legendLine)
        if let plot = plotCommand(sources: sources) { lines.append(plot) }
        return lines
    }

    /// Bars of non-negative heights stand on 0, as matplotlib's sticky edges keep them.
    private var barsRestOnZero: Bool {
        series.contains(where: \.isBars) && series.allSatisfy { $0.y.allSatisfy { !($0 < 0) } }
    }

    private var gridLine: String {
        guard let grid else { return "unset grid" }
        let axes = grid.axis == .x ? "xtics noytics" : grid.axis == .y ? "noxtics ytics" : "xtics ytics"
        let color = (grid.style.color ?? GridLines.defaultColor).gnuplotHex(alpha: grid.style.alpha)
        let dash = (grid.style.line ?? .solid).gnuplotDashType
        return "set grid \(axes) back lt 1 lc rgb '\(color)' lw \(GnuplotSyntax.short(grid.style.lineWidth ?? 0.8)) dt \(dash)"
    }

    /// Explicit limits, and the image's pixel edges (y pointing down) for `imshow`; the rest autoscaled.
    private var rangeLines: [String] {
        var x = xLimits, y = yLimits
        if let image = images.last {
            x = AxisLimits(lower: x.lower ?? -0.5, upper: x.upper ?? Double(image.width) - 0.5)
            y = AxisLimits(lower: y.lower ?? Double(image.height) - 0.5, upper: y.upper ?? -0.5)
        } else if barsRestOnZero {
            y.lower = y.lower ?? 0
        } else if isEmpty {
            // matplotlib's empty axes run from 0 to 1.
            x = AxisLimits(lower: x.lower ?? 0, upper: x.upper ?? 1)
            y = AxisLimits(lower: y.lower ?? 0, upper: y.upper ?? 1)
        }
        func line(_ name: String, _ limits: AxisLimits) -> String? {
            guard limits.lower != nil || limits.upper != nil else { return nil }
            let bound = { (value: Double?) in value.map(GnuplotSyntax.number) ?? "*" }
            return "set \(name)range [\(bound(limits.lower)):\(bound(limits.upper))]"
        }
        return [line("x", x), line("y", y)].compactMap { $0 }
    }

    /// ` font ',N'` for a size set by `fontsize=`, else nothing (the terminal's 10 points).
    static func font(_ size: Double?) -> String {
        size.map { " font ',\(GnuplotSyntax.points($0))'" } ?? ""
    }

    private func tickLines(_ ticks: Ticks?, axis: String, fontSize: Double?) -> [String] {
        guard showsAxis else { return ["unset \(axis)tics"] }
        guard let ticks else { return fontSize.map { ["set \(axis)tics" + Self.font($0)] } ?? [] }
        if let positions = ticks.positions, positions.isEmpty { return ["unset \(axis)tics"] }
        var line = "set \(axis)tics"
        if let positions = ticks.positions {
            let entries = positions.enumerated().map { index, position in
                let label = ticks.labels.flatMap { index < $0.count ? $0[index] : nil }
                return (label.map { $0.gnuplotQuoted + " " } ?? "") + GnuplotSyntax.number(position)
            }
            line += " (" + entries.joined(separator: ", ") + ")"
        }
        if let rotation = ticks.rotation, rotation != 0 {
            line += " rotate by \(GnuplotSyntax.number(rotation))" + (axis == "x" ? " right" : "")
        }
        return [line + Self.font(fontSize)]
    }

    private var legendLine: String {
        guard showsLegend, series.contains(where: { $0.label != nil }) else { return "unset key" }
        // reverse Left: sample first, then left-aligned text, as matplotlib lays out legends.
        let position = legendLocation.gnuplotPosition(best: legendCorner)
        return "set key \(position) reverse Left \(legendHasFrame ? "box" : "nobox") opaque samplen 3 spacing 1.2" + Self.font(fontSizes.legend)
    }

    /// One `plot` with the images first (under the data) and a clause per series; an empty axes plots
    /// nothing visible so its frame is still drawn; hidden empty axes plot nothing.
    private func plotCommand(sources: AxesSources) -> String? {
        var clauses: [String] = []
        var offset = sources.firstImageByte
        for image in images {
            let grid = image.gnuplotGrid
            // Pixel centres sit on whole numbers; a doubled grid's start a quarter unit earlier.
            let placement = grid.step == 1 ? "" : " dx=0.5 dy=0.5 origin=(-0.25,-0.25)"
            clauses.append("\(GnuplotSyntax.quoted(sources.imagePath)) binary skip=\(offset) array=(\(grid.width),\(grid.height))"
                + "\(placement) format='%uchar' with rgbimage notitle")
            offset += grid.rgb.count
        }
        let data = GnuplotSyntax.quoted(sources.dataPath)
        let colors = resolvedColors()
        for (index, item) in series.enumerated() {
            let title = item.label.map { "title \($0.gnuplotQuoted)" } ?? "notitle"
            clauses.append("\(data) index \(sources.firstSeriesIndex + index) \(item.gnuplotClause(color: colors[index])) \(title)")
        }
        if clauses.isEmpty {
            guard showsAxis else { return nil }
            clauses.append("NaN notitle")
        }
        return "plot " + clauses.joined(separator: ", \\\n     ")
    }

    /// Where the legend goes for `loc="best"`: like matplotlib, the corner covering the fewest points.
    var legendCorner: LegendCorner {
        let points = series.flatMap { item in zip(item.x, item.y).filter { $0.0.isFinite && $0.1.isFinite } }
        guard let minX = points.map(\.0).min(), let maxX = points.map(\.0).max(),
              let minY = points.map(\.1).min(), let maxY = points.map(\.1).max() else { return .upperRight }
        let spanX = maxX > minX ? maxX - minX : 1, spanY = maxY > minY ? maxY - minY : 1
        // The legend box covers roughly 40% of the width and 30% of the height, inside 5% margins.
        func covered(_ corner: LegendCorner) -> Int {
            points.filter { x, y in
                let u = (x - minX) / spanX, v = (y - minY) / spanY
                let inX = corner.isRight ? u >= 0.55 : u <= 0.45
                let inY = corner.isUpper ? v >= 0.65 : v <= 0.35
                return inX && inY
            }.count
        }
        // matplotlib's preference order breaks ties.
        return LegendCorner.allCases.min { covered($0) < covered($1) } ?? .upperRight
    }
}

extension PlotSeries {
    /// The `using ... with ...` part of this series' plot clause, drawn in `color`.
    func gnuplotClause(color: PlotStyle.Color) -> String {
        switch kind {
        case .curve:
            return "using 1:2 " + style.gnuplotClause(color: color)
        case .scatter:
            let marker = style.marker ?? .circle
            return "using 1:2:3:4 with points pt \(marker.gnuplotPointType) ps variable lc rgb variable"
        case .bars(_, let edgeColor):
            let fill = style.alpha.map { "transparent solid \(GnuplotSyntax.number($0))" } ?? "solid 1.0"
            let border = edgeColor.map { "border lc rgb '\($0.hex)'" } ?? "noborder"
            return "using 1:2:3 with boxes fs \(fill) \(border) lc rgb '\(color.hex)'"
        }
    }
}

/// The four corners the legend may occupy, in matplotlib's order of preference.
enum LegendCorner: CaseIterable {
    case upperRight, upperLeft, lowerLeft, lowerRight

    var isRight: Bool { self == .upperRight || self == .lowerRight }
    var isUpper: Bool { self == .upperRight || self == .upperLeft }
    var gnuplotPosition: String {
        (isUpper ? "top " : "bottom ") + (isRight ? "right" : "left")
    }
}

/// matplotlib's legend locations (`legend(loc=...)`), in the order of their numeric codes 0...10.
public enum LegendLocation: String, CaseIterable, Sendable {
    case best, upperRight = "upper right", upperLeft = "upper left", lowerLeft = "lower left"
    case lowerRight = "lower right", right, centerLeft = "center left", centerRight = "center right"
    case lowerCenter = "lower center", upperCenter = "upper center", center

    /// A `loc=` name such as `'upper left'`.
    public init(name: String) throws {
        guard let location = LegendLocation(rawValue: name) else {
            throw PlotError.unsupportedStyle(what: "legend location", value: name, supported: Self.supported)
        }
        self = location
    }

    /// A `loc=` code: 0 is `'best'`, 1 `'upper right'`, ... 10 `'center'`.
    public init(code: Int) throws {
        guard Self.allCases.indices.contains(code) else {
            throw PlotError.unsupportedStyle(what: "legend location", value: "\(code)", supported: Self.supported)
        }
        self = Self.allCases[code]
    }

    static var supported: String {
        allCases.enumerated().map { "'\($1.rawValue)' (\($0))" }.joined(separator: ", ")
    }

    /// gnuplot's `set key` position; `best` is the corner covering the fewest points.
    func gnuplotPosition(best: LegendCorner) -> String {
        switch self {
        case .best: return best.gnuplotPosition
        case .upperRight: return "top right"
        case .upperLeft: return "top left"
        case .lowerLeft: return "bottom left"
        case .lowerRight: return "bottom right"
        case .right, .centerRight: return "right center"
        case .centerLeft: return "left center"
        case .lowerCenter: return "bottom center"
        case .upperCenter: return "top center"
        case .center: return "center center"
        }
    }
}
