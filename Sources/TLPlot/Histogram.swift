/// `numpy.histogram` as `plt.hist` uses it: equal-width bins over the data's range (or `range`), the
/// last bin closed on the right, values outside the range left out; `density` divides each count by
/// the total count times the bin width, so the bars' area is 1.
public struct Histogram: Equatable, Sendable {
    /// `bins + 1` increasing edges.
    public let edges: [Double]
    /// One count (or density) per bin.
    public let counts: [Double]

    public enum Bins: Equatable, Sendable {
        /// This many equal-width bins.
        case count(Int)
        /// Explicit, increasing edges (`bins=[0, 1, 2]`).
        case edges([Double])
    }

    public init(values: [Double], bins: Bins, range: (Double, Double)? = nil, density: Bool = false) throws {
        let finite = values.filter(\.isFinite)
        let edges: [Double]
        switch bins {
        case .count(let count):
            guard count >= 1 else { throw PlotError.invalidArgument("hist(): bins must be at least 1, got \(count)") }
            var (low, high) = range ?? (finite.min() ?? 0, finite.max() ?? 1)
            guard low <= high else { throw PlotError.invalidArgument("hist(): range (\(low), \(high)) must not be decreasing") }
            if low == high { low -= 0.5; high += 0.5 }   // numpy widens an empty span to one unit
            edges = (0...count).map { low + (high - low) * Double($0) / Double(count) }
        case .edges(let given):
            guard given.count >= 2, zip(given, given.dropFirst()).allSatisfy({ $0 < $1 }) else {
                throw PlotError.invalidArgument("hist(): bin edges must be at least two increasing numbers, got \(given)")
            }
            edges = given
        }
        var counts = [Double](repeating: 0, count: edges.count - 1)
        for value in finite {
            guard let bin = Self.bin(of: value, edges: edges) else { continue }
            counts[bin] += 1
        }
        if density {
            let total = counts.reduce(0, +)
            counts = counts.indices.map { total == 0 ? 0 : counts[$0] / (total * (edges[$0 + 1] - edges[$0])) }
        }
        self.edges = edges
        self.counts = counts
    }

    /// The bin holding `value`: `[edge_i, edge_i+1)`, the last one closed; nil outside.
    private static func bin(of value: Double, edges: [Double]) -> Int? {
        guard let first = edges.first, let last = edges.last, value >= first, value <= last else { return nil }
        if value == last { return edges.count - 2 }
        var low = 0, high = edges.count - 1   // edges[low] <= value < edges[high]
        while high - low > 1 {
            let middle = (low + high) / 2
            if value >= edges[middle] { low = middle } else { high = middle }
        }
        return low
    }

    /// The bars `plt.hist` draws: one per bin, centred, as wide as the bin.
    public var centres: [Double] { zip(edges, edges.dropFirst()).map { ($0 + $1) / 2 } }
    public var widths: [Double] { zip(edges, edges.dropFirst()).map { $1 - $0 } }
}
