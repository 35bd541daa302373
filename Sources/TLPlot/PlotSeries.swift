/// One set of points of an axes: a curve (`plot`), a scatter (`scatter`) or bars (`hist`), with how it
/// is drawn and its legend label.
public struct PlotSeries: Equatable, Sendable {
    /// How the points are drawn.
    public enum Kind: Equatable, Sendable {
        /// Lines and/or markers, as `style` says (`plt.plot`).
        case curve
        /// Markers of per-point area `sizes` (points², matplotlib's `s=`) and optional per-point colours
        /// (`plt.scatter`); without colours, `style.color` or the cycle's next colour.
        case scatter(sizes: [Double], colors: [PlotStyle.Color]?)
        /// Filled bars centred on `x`, `widths` wide, `y` high (`plt.hist`), outlined in `edgeColor` if given.
        case bars(widths: [Double], edgeColor: PlotStyle.Color?)
    }

    public var x: [Double]
    public var y: [Double]
    public var style: PlotStyle
    /// Shown in the legend; series without a label stay out of it, as in matplotlib.
    public var label: String?
    public var kind: Kind

    /// Creates a series; `x`, `y` and any per-point sizes, colours or widths must have the same length.
    public init(x: [Double], y: [Double], style: PlotStyle = PlotStyle(), label: String? = nil,
                kind: Kind = .curve) throws {
        guard x.count == y.count else { throw PlotError.mismatchedLengths(x: x.count, y: y.count) }
        switch kind {
        case .curve: break
        case let .scatter(sizes, colors):
            guard sizes.count == x.count, colors.map({ $0.count == x.count }) ?? true else {
                throw PlotError.invalidArgument("a scatter of \(x.count) points needs \(x.count) sizes and colours, "
                    + "got \(sizes.count) sizes and \(colors?.count ?? x.count) colours")
            }
        case let .bars(widths, _):
            guard widths.count == x.count else {
                throw PlotError.invalidArgument("\(x.count) bars need \(x.count) widths, got \(widths.count)")
            }
        }
        self.x = x; self.y = y; self.style = style; self.label = label; self.kind = kind
    }

    /// matplotlib keeps two colour cycles per axes: one for lines (`plot`), one for filled patches and
    /// scatters (`hist`, `scatter`), each starting at C0.
    var usesPatchCycle: Bool {
        if case .curve = kind { return false }
        return true
    }

    var isBars: Bool {
        if case .bars = kind { return true }
        return false
    }
}
