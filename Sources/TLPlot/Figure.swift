import Foundation

/// One figure, as in matplotlib: a pixel size (inches times dpi), an optional `suptitle`, and one or
/// more ``Axes`` in a grid (`subplot`). The title, labels, legend and `plot` of the figure itself act on
/// its current axes, as pyplot's do. ``render(to:gnuplot:dpi:)`` draws it with gnuplot.
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
    public static let defaultDPI = 100.0

    /// The axes, in the order they were created.
    public private(set) var axes: [Axes] = []
    private var currentAxesIndex: Int?
    /// The title above all subplots (`fig.suptitle`).
    public var suptitle: String?
    /// The suptitle's size in points (`suptitle(t, fontsize=)`); nil: 14.
    public var suptitleFontSize: Double?
    /// The size in pixels at `dpi`.
    public var width: Int
    public var height: Int
    /// Dots per inch: `savefig(dpi=)` scales the picture (and its fonts and lines) by `dpi / self.dpi`.
    public var dpi: Double

    public init(width: Int = Figure.defaultWidth, height: Int = Figure.defaultHeight, dpi: Double = Figure.defaultDPI) {
        self.width = width
        self.height = height
        self.dpi = dpi
    }

    /// A figure of `inches` at `dpi` (`plt.figure(figsize=(w, h), dpi=d)`).
    public convenience init(inches: (width: Double, height: Double), dpi: Double = Figure.defaultDPI) throws {
        guard inches.width > 0, inches.height > 0, dpi > 0 else {
            throw PlotError.invalidArgument("figsize (\(inches.width), \(inches.height)) and dpi \(dpi) must be positive")
        }
        self.init(width: Int((inches.width * dpi).rounded()), height: Int((inches.height * dpi).rounded()), dpi: dpi)
    }

    /// The axes commands act on: the last selected, created filling the figure on first use.
    public var currentAxes: Axes {
        if let currentAxesIndex { return axes[currentAxesIndex] }
        return addAxes(at: .whole)
    }

    /// `subplot(rows, columns, index)`: the axes at that place of the grid, made current; created if
    /// the figure has none there yet.
    @discardableResult
    public func subplot(rows: Int, columns: Int, index: Int) throws -> Axes {
        let position = try SubplotPosition(rows: rows, columns: columns, index: index)
        if let existing = axes.firstIndex(where: { $0.position == position }) {
            currentAxesIndex = existing
            return axes[existing]
        }
        return addAxes(at: position)
    }

    /// Makes `chosen` (one of this figure's axes) the current axes (`plt.sca(ax)`).
    public func makeCurrent(_ chosen: Axes) {
        if let index = axes.firstIndex(where: { $0 === chosen }) { currentAxesIndex = index }
    }

    @discardableResult
    private func addAxes(at position: SubplotPosition) -> Axes {
        let created = Axes(position: position)
        axes.append(created)
        currentAxesIndex = axes.count - 1
        return created
    }

    /// Removes every axes and the suptitle, keeping the size (`plt.clf()`).
    public func clear() {
        axes = []
        currentAxesIndex = nil
        suptitle = nil
        suptitleFontSize = nil
    }

    /// Whether nothing has been drawn in any axes.
    public var isEmpty: Bool { axes.allSatisfy(\.isEmpty) }

    /// The name `show()` gives the PNG: the suptitle, else the first axes title.
    public var displayTitle: String? { suptitle ?? axes.lazy.compactMap(\.title).first }

    // pyplot's single-axes commands act on the current axes.
    public var series: [PlotSeries] { currentAxes.series }
    public var title: String? { get { currentAxes.title } set { currentAxes.title = newValue } }
    public var xLabel: String? { get { currentAxes.xLabel } set { currentAxes.xLabel = newValue } }
    public var yLabel: String? { get { currentAxes.yLabel } set { currentAxes.yLabel = newValue } }
    public var showsLegend: Bool { get { currentAxes.showsLegend } set { currentAxes.showsLegend = newValue } }

    /// Adds a series to the current axes like `plt.plot(x, y, style, label=...)`.
    public func plot(x: [Double]? = nil, y: [Double], style: String = "", label: String? = nil) throws {
        try currentAxes.plot(x: x, y: y, style: style, label: label)
    }

    public func add(_ newSeries: PlotSeries) {
        currentAxes.add(newSeries)
    }

    /// Draws the figure into `pngPath`, leaving `NAME.dat` (the data, one block per series), `NAME.rgb`
    /// (the pixels of any `imshow`) and `NAME.gp` (a script that redraws the PNG with `gnuplot NAME.gp`)
    /// beside it. The PNG appears atomically: gnuplot draws into a temporary name that is then renamed.
    /// - Parameter dpi: `savefig(dpi=)`: the pixel size is scaled by `dpi / self.dpi`.
    public func render(to pngPath: String, gnuplot: Gnuplot = Gnuplot(), dpi: Double? = nil) throws {
        guard !isEmpty else { throw PlotError.nothingToPlot(path: pngPath) }
        let resolution = dpi ?? self.dpi
        let scale = resolution / self.dpi
        let canvas = (width: Int((Double(width) * scale).rounded()), height: Int((Double(height) * scale).rounded()))
        guard canvas.width > 0, canvas.height > 0, scale.isFinite else {
            throw PlotError.invalidArgument("figure size \(canvas.width)x\(canvas.height) for \(pngPath) must be positive")
        }
        // Check for gnuplot before writing anything, so a missing install leaves no half-made files.
        guard gnuplot.locate() != nil else { throw PlotError.gnuplotNotInstalled }

        let target = GnuplotSyntax.absolutePath(pngPath)
        let dataPath = GnuplotSyntax.sibling(of: target, withExtension: "dat")
        let imagePath = GnuplotSyntax.sibling(of: target, withExtension: "rgb")
        let scriptPath = GnuplotSyntax.sibling(of: target, withExtension: "gp")
        let pixels = axes.flatMap { $0.images.flatMap(\.gnuplotGrid.rgb) }
        try AtomicFile.write(dataFileContents(), to: dataPath)
        if !pixels.isEmpty { try AtomicFile.write(Data(pixels), to: imagePath) }
        // Fonts and lines are sized for 100 dpi, matplotlib's default, and grow with the resolution.
        let canvasSpec = Canvas(width: canvas.width, height: canvas.height, scale: resolution / Figure.defaultDPI)
        try AtomicFile.write(gnuplotScript(dataPath: dataPath, outputPath: target, imagePath: imagePath, canvas: canvasSpec),
                             to: scriptPath)
        try GnuplotImage.draw(to: target, scriptPath: scriptPath, gnuplot: gnuplot) { temporary in
            gnuplotScript(dataPath: dataPath, outputPath: temporary, imagePath: imagePath, canvas: canvasSpec)
        }
    }
}

/// The picture gnuplot draws: its pixel size and how much fonts and lines grow (dpi / 100).
struct Canvas {
    let width: Int, height: Int
    let scale: Double
}
