import Foundation

/// One chart, in the spirit of a matplotlib figure with a single set of axes: series, title,
/// axis labels, an optional legend and a pixel size. ``render(to:gnuplot:)`` draws it with gnuplot.
///
/// ```swift
/// let figure = Figure()
/// try figure.plot(x: epochs, y: accuracy, style: "bo", label: "Training acc")
/// try figure.plot(x: epochs, y: validationAccuracy, style: "b", label: "Validation acc")
/// figure.title = "Training and validation accuracy"
/// figure.showsLegend = true
/// try figure.render(to: "accuracy.png")
/// ```
public final class Figure {
    /// matplotlib's default figure: 6.4 x 4.8 inches at 100 dpi.
    public static let defaultWidth = 640, defaultHeight = 480

    public private(set) var series: [PlotSeries] = []
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    /// Whether a legend of the labelled series is drawn (matplotlib's `legend()`).
    public var showsLegend = false
    public var width: Int
    public var height: Int

    public init(width: Int = Figure.defaultWidth, height: Int = Figure.defaultHeight) {
        self.width = width
        self.height = height
    }

    /// Whether nothing has been plotted yet.
    public var isEmpty: Bool { series.isEmpty }

    /// Adds a series like `plt.plot(x, y, style, label=...)`; without `x` the points are numbered from 0.
    /// - Throws: ``PlotError`` for an unknown format string or `x` and `y` of different lengths.
    public func plot(x: [Double]? = nil, y: [Double], style: String = "", label: String? = nil) throws {
        let xs = x ?? y.indices.map(Double.init)
        add(try PlotSeries(x: xs, y: y, style: try PlotStyle(format: style), label: label))
    }

    public func add(_ newSeries: PlotSeries) {
        series.append(newSeries)
    }

    /// Draws the figure into `pngPath`, leaving `NAME.dat` (the data, one block per series) and
    /// `NAME.gp` (a script that redraws the PNG with `gnuplot NAME.gp`) beside it.
    /// The PNG appears atomically: gnuplot draws into a temporary name that is then renamed.
    public func render(to pngPath: String, gnuplot: Gnuplot = Gnuplot()) throws {
        guard !series.isEmpty else { throw PlotError.nothingToPlot(path: pngPath) }
        guard width > 0, height > 0 else {
            throw PlotError.invalidArgument("figure size \(width)x\(height) for \(pngPath) must be positive")
        }
        // Check for gnuplot before writing anything, so a missing install leaves no half-made files.
        guard gnuplot.locate() != nil else { throw PlotError.gnuplotNotInstalled }

        let target = GnuplotSyntax.absolutePath(pngPath)
        let dataPath = GnuplotSyntax.sibling(of: target, withExtension: "dat")
        let scriptPath = GnuplotSyntax.sibling(of: target, withExtension: "gp")
        try AtomicFile.write(dataFileContents(), to: dataPath)
        try AtomicFile.write(gnuplotScript(dataPath: dataPath, outputPath: target), to: scriptPath)
        try GnuplotImage.draw(to: target, scriptPath: scriptPath, gnuplot: gnuplot) { temporary in
            gnuplotScript(dataPath: dataPath, outputPath: temporary)
        }
    }
}
