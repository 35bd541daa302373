/// The files a ``Figure`` is drawn from: gnuplot's data file and script.
extension Figure {
    /// The data file: one block per series of every axes (`x y`, plus a scatter's `size colour` or the
    /// bars' `width` per line), blocks separated by two blank lines so the script can select each with `index N`.
    public func dataFileContents() -> String {
        var text = ""
        var index = 0
        for item in axes {
            let colors = item.resolvedColors()
            for (number, series) in item.series.enumerated() {
                if index > 0 { text += "\n\n" }
                text += "# series \(index)" + (series.label.map { ": \($0)" } ?? "") + "\n"
                text += series.dataRows(color: colors[number])
                index += 1
            }
        }
        return text
    }

    /// The gnuplot script that draws the figure from `dataPath` into `outputPath` at its own size.
    public func gnuplotScript(dataPath: String, outputPath: String) -> String {
        gnuplotScript(dataPath: dataPath, outputPath: outputPath,
                      imagePath: GnuplotSyntax.sibling(of: dataPath, withExtension: "rgb"),
                      canvas: Canvas(width: width, height: height, scale: dpi / Figure.defaultDPI))
    }

    func gnuplotScript(dataPath: String, outputPath: String, imagePath: String, canvas: Canvas) -> String {
        var terminal = "set terminal pngcairo size \(canvas.width),\(canvas.height) noenhanced font \(GnuplotSyntax.quoted(GnuplotSyntax.font))"
        if canvas.scale != 1 {
            terminal += " fontscale \(GnuplotSyntax.short(canvas.scale)) linewidth \(GnuplotSyntax.short(canvas.scale))"
        }
        var lines = [
            "# Drawn by tl; redraw with: gnuplot \(GnuplotSyntax.sibling(of: outputPath, withExtension: "gp"))",
            // noenhanced: labels such as "val_acc" must not turn into subscripts.
            terminal,
            "set output \(GnuplotSyntax.quoted(outputPath))",
            "set encoding utf8",
        ]
        var sources = AxesSources(dataPath: dataPath, imagePath: imagePath)
        if axes.count == 1, axes[0].position == .whole, suptitle == nil {
            // One axes filling the figure: gnuplot's own margins, as matplotlib's single plot.
            lines += axes[0].gnuplotLines(sources: sources)
            return lines.joined(separator: "\n") + "\n"
        }
        // A grid of subplots: each axes in its cell, gnuplot fitting labels and ticks inside the cell,
        // as matplotlib's tight_layout does; the suptitle takes a band at the top.
        let top = suptitle == nil ? 1.0 : 1 - 36 / Double(canvas.height)
        lines.append(suptitle.map { "set multiplot title \($0.gnuplotQuoted) font ',\(GnuplotSyntax.points(suptitleFontSize ?? 14))'" } ?? "set multiplot")
        for item in axes {
            let position = item.position
            let cellWidth = 1 / Double(position.columns), cellHeight = top / Double(position.rows)
            lines += ["reset", "set encoding utf8",
                      "set origin \(GnuplotSyntax.short(Double(position.column) * cellWidth)),"
                        + "\(GnuplotSyntax.short(top - Double(position.row + 1) * cellHeight))",
                      "set size \(item.equalAspect ? "ratio -1 " : "")\(GnuplotSyntax.short(cellWidth)),\(GnuplotSyntax.short(cellHeight))"]
            lines += item.gnuplotLines(sources: sources)
            sources.advance(past: item)
        }
        lines.append("unset multiplot")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Where the legend of the current axes goes when `loc='best'`.
    var legendCorner: LegendCorner { currentAxes.legendCorner }

    /// The colours of the current axes' series.
    func resolvedColors() -> [PlotStyle.Color] { currentAxes.resolvedColors() }
}

/// Where one axes' series and pixels start in the figure's shared data and pixel files.
struct AxesSources {
    let dataPath: String
    let imagePath: String
    var firstSeriesIndex = 0
    var firstImageByte = 0

    init(dataPath: String, imagePath: String) {
        self.dataPath = dataPath
        self.imagePath = imagePath
    }

    mutating func advance(past axes: Axes) {
        firstSeriesIndex += axes.series.count
        firstImageByte += axes.images.reduce(0) { $0 + $1.gnuplotGrid.rgb.count }
    }
}

extension PlotSeries {
    /// This series' lines of the data file.
    func dataRows(color: PlotStyle.Color) -> String {
        var text = ""
        for index in x.indices {
            text += GnuplotSyntax.number(x[index]) + " " + GnuplotSyntax.number(y[index])
            switch kind {
            case .curve: break
            case let .scatter(sizes, colors):
                // Marker area in points² -> gnuplot point size (a 6-point marker is `ps 0.9`).
                let pointSize = sizes[index].squareRoot() * PlotStyle.Marker.pointSizePerPoint
                text += " " + GnuplotSyntax.short(pointSize)
                text += " \((colors?[index] ?? color).gnuplotInteger(alpha: style.alpha))"
            case let .bars(widths, _):
                text += " " + GnuplotSyntax.number(widths[index])
            }
            text += "\n"
        }
        return text
    }
}

extension String {
    var gnuplotQuoted: String { GnuplotSyntax.quoted(self) }
}
