import Foundation

/// matplotlib's `pyplot` state machine for the tl language: commands act on the current figure,
/// `figure()` starts another, `subplot` picks an axes of the current one, `show` writes every open figure as a PNG and closes them.
///
/// The walkthrough's code maps one to one:
/// ```swift
/// try plt.plot(x: epochs, y: acc, style: "bo", label: "Training acc")
/// try plt.plot(x: epochs, y: valAcc, style: "b", label: "Validation acc")
/// plt.title("Training and validation accuracy"); plt.legend(); plt.figure()
/// ...
/// let written = try plt.show(directory: "plots")
/// ```
public final class PlotState {
    /// Open figures, in the order they were created.
    public private(set) var figures: [Figure] = []
    /// The gnuplot used to draw (injectable for tests and unusual installs).
    public var gnuplot: Gnuplot
    /// matplotlib numbers figures from 1 (`plt.figure(num)` picks its own); untitled figures are saved
    /// as `figure_N.png`.
    private var numbers: [ObjectIdentifier: Int] = [:]
    private var currentFigure: Figure?

    public init(gnuplot: Gnuplot = Gnuplot()) {
        self.gnuplot = gnuplot
    }

    /// The figure commands act on, created on first use as in matplotlib.
    public var current: Figure {
        if let currentFigure { return currentFigure }
        return figure()
    }

    /// Starts a new figure and makes it current (`plt.figure()`).
    @discardableResult
    public func figure(width: Int = Figure.defaultWidth, height: Int = Figure.defaultHeight,
                       dpi: Double = Figure.defaultDPI) -> Figure {
        open(Figure(width: width, height: height, dpi: dpi), number: nil)
    }

    /// `plt.figure(num)`: the open figure numbered `number` made current, or a new one with that number.
    /// - Returns: the figure and whether it was created.
    public func figure(number: Int, make: () throws -> Figure) rethrows -> (figure: Figure, created: Bool) {
        if let existing = figures.first(where: { numbers[ObjectIdentifier($0)] == number }) {
            currentFigure = existing
            return (existing, false)
        }
        return (open(try make(), number: number), true)
    }

    /// Adds `figure` as the current figure; `nil` numbers it one past the highest number in use.
    @discardableResult
    public func open(_ figure: Figure, number: Int? = nil) -> Figure {
        numbers[ObjectIdentifier(figure)] = number ?? (numbers.values.max() ?? 0) + 1
        figures.append(figure)
        currentFigure = figure
        return figure
    }

    /// The number of an open figure (matplotlib's `fig.number`).
    public func number(of figure: Figure) -> Int? { numbers[ObjectIdentifier(figure)] }

    /// Makes an open figure current again (`plt.figure(fig)`).
    public func makeCurrent(_ figure: Figure) {
        if figures.contains(where: { $0 === figure }) { currentFigure = figure } else { open(figure) }
    }

    /// `plt.plot(x, y, style, label=...)` on the current figure.
    public func plot(x: [Double]? = nil, y: [Double], style: String = "", label: String? = nil) throws {
        try current.plot(x: x, y: y, style: style, label: label)
    }

    public func title(_ text: String) { current.title = text }
    public func xlabel(_ text: String) { current.xLabel = text }
    public func ylabel(_ text: String) { current.yLabel = text }
    /// Shows the labelled series of the current figure in a legend (`plt.legend()`).
    public func legend() { current.showsLegend = true }

    /// `plt.subplot(rows, columns, index)` on the current figure.
    @discardableResult
    public func subplot(rows: Int, columns: Int, index: Int) throws -> Axes {
        try current.subplot(rows: rows, columns: columns, index: index)
    }

    /// `plt.subplots(rows, columns)`: a new current figure holding the whole grid, axes row by row.
    public func subplots(rows: Int, columns: Int, figure: Figure) throws -> [[Axes]] {
        open(figure)
        return try (0..<rows).map { row in
            try (0..<columns).map { column in
                try figure.subplot(rows: rows, columns: columns, index: row * columns + column + 1)
            }
        }
    }

    /// Adds the walkthrough's training/validation pair as a new figure; see ``Figure/historyPair(training:validation:metric:epochs:smoothed:)``.
    @discardableResult
    public func plotHistoryPair(training: [Double], validation: [Double], metric: String,
                                epochs: [Double]? = nil, smoothed: Bool = false) throws -> Figure {
        let pair = try Figure.historyPair(training: training, validation: validation, metric: metric, epochs: epochs,
                                          smoothed: smoothed)
        return open(pair)
    }

    /// Writes every open figure that holds data into `directory` (created if needed) as a PNG named
    /// after its title, never overwriting an existing file, then closes all figures (`plt.show()`).
    /// - Returns: the written PNG paths, in figure order; empty when nothing was plotted.
    @discardableResult
    public func show(directory: String) throws -> [String] {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw PlotError.fileWriteFailed(path: directory, reason: error.localizedDescription)
        }
        var written: [String] = []
        for figure in figures where !figure.isEmpty {
            let path = Self.uniquePath(in: directory, baseName: baseName(of: figure))
            try figure.render(to: path, gnuplot: gnuplot)
            written.append(path)
        }
        closeAll()
        return written
    }

    /// Writes the current figure to `path` and keeps it open (`plt.savefig(path, dpi=)`).
    public func savefig(_ path: String, dpi: Double? = nil) throws {
        try current.render(to: path, gnuplot: gnuplot, dpi: dpi)
    }

    /// Closes `figure` without drawing it (`plt.close(fig)`); the most recent other figure becomes current.
    public func close(_ figure: Figure) {
        figures.removeAll { $0 === figure }
        numbers[ObjectIdentifier(figure)] = nil
        if currentFigure === figure { currentFigure = figures.last }
    }

    /// Closes the figure numbered `number`, if open (`plt.close(2)`).
    public func close(number: Int) {
        if let figure = figures.first(where: { numbers[ObjectIdentifier($0)] == number }) { close(figure) }
    }

    /// Closes the current figure, if any (`plt.close()`).
    public func closeCurrent() {
        if let currentFigure { close(currentFigure) }
    }

    /// Closes all figures without drawing them (`plt.close('all')`).
    public func closeAll() {
        figures.removeAll()
        numbers.removeAll()
        currentFigure = nil
    }

    private func baseName(of figure: Figure) -> String {
        let fromTitle = figure.displayTitle.map(Self.fileName(for:)) ?? ""
        return fromTitle.isEmpty ? "figure_\(numbers[ObjectIdentifier(figure)] ?? 1)" : fromTitle
    }

    /// "Training and validation accuracy" -> "training_and_validation_accuracy": lower-case ASCII
    /// letters and digits, every other run of characters one underscore.
    public static func fileName(for title: String) -> String {
        var name = ""
        var pendingSeparator = false
        for scalar in title.lowercased().unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                if pendingSeparator && !name.isEmpty { name += "_" }
                name.unicodeScalars.append(scalar)
                pendingSeparator = false
            } else {
                pendingSeparator = true
            }
        }
        return name
    }

    /// `directory/base.png`, or `base_2.png`, `base_3.png`, ... if taken.
    public static func uniquePath(in directory: String, baseName: String) -> String {
        let folder = URL(fileURLWithPath: directory)
        var candidate = folder.appendingPathComponent(baseName + ".png").path
        var suffix = 2
        while FileManager.default.fileExists(atPath: candidate) {
            candidate = folder.appendingPathComponent("\(baseName)_\(suffix).png").path
            suffix += 1
        }
        return candidate
    }
}
