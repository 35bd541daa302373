/// One curve of a figure: its points, how it is drawn and its legend label.
public struct PlotSeries: Equatable, Sendable {
    public var x: [Double]
    public var y: [Double]
    public var style: PlotStyle
    /// Shown in the legend; series without a label stay out of it, as in matplotlib.
    public var label: String?

    /// Creates a series; `x` and `y` must have the same length.
    public init(x: [Double], y: [Double], style: PlotStyle = PlotStyle(), label: String? = nil) throws {
        guard x.count == y.count else { throw PlotError.mismatchedLengths(x: x.count, y: y.count) }
        self.x = x; self.y = y; self.style = style; self.label = label
    }
}
