/// The files a ``Figure`` is drawn from: gnuplot's data file and script.
extension Figure {
    /// The data file: one block per series (`x y` per line), blocks separated by two blank lines
    /// so the script can select each with `index N`.
    public func dataFileContents() -> String {
        var text = ""
        for (index, item) in series.enumerated() {
            if index > 0 { text += "\n\n" }
            text += "# series \(index)" + (item.label.map { ": \($0)" } ?? "") + "\n"
            for (x, y) in zip(item.x, item.y) {
                text += GnuplotSyntax.number(x) + " " + GnuplotSyntax.number(y) + "\n"
            }
        }
        return text
    }

    /// The gnuplot script that draws the figure from `dataPath` into `outputPath`.
    public func gnuplotScript(dataPath: String, outputPath: String) -> String {
        var lines = [
            "# Drawn by tl; redraw with: gnuplot \(GnuplotSyntax.sibling(of: outputPath, withExtension: "gp"))",
            // noenhanced: labels such as "val_acc" must not turn into subscripts.
            "set terminal pngcairo size \(width),\(height) noenhanced font \(GnuplotSyntax.quoted(GnuplotSyntax.font))",
            "set output \(GnuplotSyntax.quoted(outputPath))",
            "set encoding utf8",
        ]
        lines.append(title.map { "set title \($0.gnuplotQuoted) font ',12'" } ?? "unset title")
        lines.append(xLabel.map { "set xlabel \($0.gnuplotQuoted)" } ?? "unset xlabel")
        lines.append(yLabel.map { "set ylabel \($0.gnuplotQuoted)" } ?? "unset ylabel")
        // matplotlib look: data fills the axes with a 5% margin, ticks point outwards, no grid.
        lines += [
            "set autoscale fix",
            "set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05",
            "set tics out nomirror",
            "set border 15",
            "unset grid",
        ]
        let labelled = series.contains { $0.label != nil }
        if showsLegend && labelled {
            // reverse Left: sample first, then left-aligned text, as matplotlib lays out legends.
            lines.append("set key \(legendCorner.gnuplotPosition) reverse Left box opaque samplen 3 spacing 1.2")
        } else {
            lines.append("unset key")
        }
        let data = GnuplotSyntax.quoted(dataPath)
        let colors = resolvedColors()
        let clauses = series.enumerated().map { index, item in
            let title = item.label.map { "title \($0.gnuplotQuoted)" } ?? "notitle"
            return "\(data) index \(index) using 1:2 \(item.style.gnuplotClause(color: colors[index])) \(title)"
        }
        lines.append("plot " + clauses.joined(separator: ", \\\n     "))
        return lines.joined(separator: "\n") + "\n"
    }

    /// Each series' colour: its own, or the next of matplotlib's default cycle. As in matplotlib,
    /// only series without a colour advance the cycle.
    func resolvedColors() -> [PlotStyle.Color] {
        var next = 0
        return series.map { item in
            if let color = item.style.color { return color }
            defer { next += 1 }
            return PlotStyle.defaultCycle[next % PlotStyle.defaultCycle.count]
        }
    }

    /// Where the legend goes: like matplotlib's `loc="best"`, the corner covering the fewest points.
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

/// The four corners the legend may occupy, in matplotlib's order of preference.
enum LegendCorner: CaseIterable {
    case upperRight, upperLeft, lowerLeft, lowerRight

    var isRight: Bool { self == .upperRight || self == .lowerRight }
    var isUpper: Bool { self == .upperRight || self == .upperLeft }
    var gnuplotPosition: String {
        (isUpper ? "top " : "bottom ") + (isRight ? "right" : "left")
    }
}

extension String {
    var gnuplotQuoted: String { GnuplotSyntax.quoted(self) }
}
