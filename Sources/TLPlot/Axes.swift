/// Where an axes sits in its figure's grid: `subplot(rows, columns, index)`, index counted from 1
/// along rows, as matplotlib counts.
public struct SubplotPosition: Equatable, Sendable {
    public let rows: Int, columns: Int, index: Int

    public init(rows: Int, columns: Int, index: Int) throws {
        guard rows >= 1, columns >= 1 else {
            throw PlotError.invalidArgument("subplot(): the grid must have at least 1 row and 1 column, got \(rows)x\(columns)")
        }
        guard (1...rows * columns).contains(index) else {
            throw PlotError.invalidArgument("subplot(): num must be 1 <= num <= \(rows * columns), not \(index)")
        }
        self.rows = rows; self.columns = columns; self.index = index
    }

    /// A single axes filling the figure.
    public static let whole = try! SubplotPosition(rows: 1, columns: 1, index: 1)

    /// Zero-based row (from the top) and column.
    public var row: Int { (index - 1) / columns }
    public var column: Int { (index - 1) % columns }
}

/// Lower and upper bounds of one axis; nil parts are found from the data (`xlim(left=0)`).
public struct AxisLimits: Equatable, Sendable {
    public var lower: Double?
    public var upper: Double?
    public init(lower: Double? = nil, upper: Double? = nil) { self.lower = lower; self.upper = upper }
}

/// Tick marks set by `xticks`/`set_xticks`: positions (an empty list hides the ticks), optional labels
/// and a label rotation in degrees.
public struct Ticks: Equatable, Sendable {
    public var positions: [Double]?
    public var labels: [String]?
    public var rotation: Double?
    public init(positions: [Double]? = nil, labels: [String]? = nil, rotation: Double? = nil) {
        self.positions = positions; self.labels = labels; self.rotation = rotation
    }
}

/// Font sizes in points set by `fontsize=` (nil: matplotlib's defaults, 12 for titles, 10 elsewhere).
public struct FontSizes: Equatable, Sendable {
    public var title: Double?
    public var xLabel: Double?
    public var yLabel: Double?
    public var legend: Double?
    public var xTicks: Double?
    public var yTicks: Double?
    public init() {}
}

/// Grid lines (`grid(True)`): which axes, colour and line style; defaults are matplotlib's.
public struct GridLines: Equatable, Sendable {
    public enum Axis: String, Sendable { case x, y, both }
    public var axis: Axis
    public var style: PlotStyle
    public init(axis: Axis = .both, style: PlotStyle = PlotStyle()) { self.axis = axis; self.style = style }
    /// matplotlib's `grid.color` `#b0b0b0`, `grid.linewidth` 0.8.
    static let defaultColor = PlotStyle.Color(red: 0xb0, green: 0xb0, blue: 0xb0)
}

/// One set of axes of a figure (matplotlib's `Axes`): series, images, title, labels, legend, limits,
/// ticks and grid. `plt.plot` draws into the current figure's current axes; `ax.plot` into `ax`.
public final class Axes {
    public let position: SubplotPosition
    public private(set) var series: [PlotSeries] = []
    /// Images drawn by `imshow`, below the series; the axes take the last one's extent.
    public private(set) var images: [PlotImage] = []
    public var title: String?
    public var xLabel: String?
    public var yLabel: String?
    /// Whether a legend of the labelled series is drawn (matplotlib's `legend()`).
    public var showsLegend = false
    public var legendLocation: LegendLocation = .best
    public var legendHasFrame = true
    public var xLimits = AxisLimits()
    public var yLimits = AxisLimits()
    public var xTicks: Ticks?
    public var yTicks: Ticks?
    public var grid: GridLines?
    public var fontSizes = FontSizes()
    /// Logarithmic axes (`xscale('log')`, `ax.set_yscale('log')`).
    public var xLogarithmic = false
    public var yLogarithmic = false
    /// False after `axis('off')`: no frame, ticks or axis labels.
    public var showsAxis = true
    /// One data unit as long on both axes (`axis('equal')`, and `imshow`'s default aspect).
    public var equalAspect = false

    public init(position: SubplotPosition = .whole) {
        self.position = position
    }

    /// Whether nothing has been drawn in these axes.
    public var isEmpty: Bool { series.isEmpty && images.isEmpty }

    /// Adds a series like `plt.plot(x, y, style, label=...)`; without `x` the points are numbered from 0.
    /// - Throws: ``PlotError`` for an unknown format string or `x` and `y` of different lengths.
    public func plot(x: [Double]? = nil, y: [Double], style: String = "", label: String? = nil) throws {
        let xs = x ?? y.indices.map(Double.init)
        add(try PlotSeries(x: xs, y: y, style: try PlotStyle(format: style), label: label))
    }

    public func add(_ newSeries: PlotSeries) {
        series.append(newSeries)
    }

    /// Shows `image` (`imshow`): equal aspect, the y axis pointing down, limits fitting the pixels.
    public func show(_ image: PlotImage) {
        images.append(image)
        equalAspect = true
    }

    /// Removes everything drawn and set (`cla()`), keeping the position.
    public func clear() {
        series = []; images = []
        title = nil; xLabel = nil; yLabel = nil
        showsLegend = false; legendLocation = .best; legendHasFrame = true
        xLimits = AxisLimits(); yLimits = AxisLimits()
        xTicks = nil; yTicks = nil; grid = nil
        fontSizes = FontSizes(); xLogarithmic = false; yLogarithmic = false
        showsAxis = true; equalAspect = false
    }

    /// Gives labels to the series in order (`legend(['train', 'validation'])`) and shows the legend.
    public func setLegendLabels(_ labels: [String]) {
        for (index, label) in zip(series.indices, labels) { series[index].label = label }
        showsLegend = true
    }

    /// The limits matplotlib would show: those set, else the data's range with 5% margins (bars rest
    /// on 0), or an image's pixel edges.
    public var shownLimits: (x: (Double, Double), y: (Double, Double)) {
        let x = resolved(xLimits, dataRange(\.x, vertical: false), imageRange: images.last.map { (-0.5, Double($0.width) - 0.5) })
        let y = resolved(yLimits, dataRange(\.y, vertical: true), imageRange: images.last.map { (Double($0.height) - 0.5, -0.5) })
        return (x, y)
    }

    private func dataRange(_ coordinate: KeyPath<PlotSeries, [Double]>, vertical: Bool) -> (Double, Double)? {
        var values: [Double] = series.flatMap { $0[keyPath: coordinate] }
        if !vertical {
            // Bars reach half their width either side of their centre.
            for item in series {
                guard case .bars(let widths, _) = item.kind else { continue }
                for (centre, width) in zip(item.x, widths) { values += [centre - width / 2, centre + width / 2] }
            }
        }
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return nil }
        let margin: Double = (high > low ? high - low : 1) * 0.05
        let restsOnZero = vertical && low >= 0 && series.contains(where: \.isBars)
        return (restsOnZero ? 0 : low - margin, high + margin)
    }

    private func resolved(_ limits: AxisLimits, _ data: (Double, Double)?, imageRange: (Double, Double)?) -> (Double, Double) {
        let automatic = imageRange ?? data ?? (0, 1)
        return (limits.lower ?? automatic.0, limits.upper ?? automatic.1)
    }

    /// Each series' colour: its own, or the next of matplotlib's default cycle. As in matplotlib,
    /// only series without a colour advance a cycle, and lines and patches (hist, scatter) keep one each.
    func resolvedColors() -> [PlotStyle.Color] {
        var nextLine = 0, nextPatch = 0
        return series.map { item in
            if let color = item.style.color { return color }
            if item.usesPatchCycle {
                defer { nextPatch += 1 }
                return PlotStyle.defaultCycle[nextPatch % PlotStyle.defaultCycle.count]
            }
            defer { nextLine += 1 }
            return PlotStyle.defaultCycle[nextLine % PlotStyle.defaultCycle.count]
        }
    }
}
