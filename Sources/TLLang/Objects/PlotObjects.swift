import TLPlot
import TLScript

/// A matplotlib `Figure` in scripts (`fig, ax = plt.subplots()`, `fig = plt.figure()`): its methods
/// act on this figure whichever is current.
final class FigureObject: HostObject {
    let figure: Figure
    private weak var session: Session?

    init(_ figure: Figure, session: Session) {
        self.figure = figure
        self.session = session
    }

    static let savefigParameters: [ParameterSpec] = [
        ParameterSpec("fname", kind: .string), ParameterSpec("dpi", default: .none, kind: .number),
        ParameterSpec("bbox_inches", default: .none, kind: .string, keywordOnly: true),
    ]

    var typeName: String { "Figure" }
    /// matplotlib's repr: `<Figure size 640x480 with 2 Axes>`.
    var summaryDescription: String { "<Figure size \(figure.width)x\(figure.height) with \(figure.axes.count) Axes>" }
    var attributeNames: [String] {
        ["add_subplot", "axes", "clf", "dpi", "gca", "number", "savefig", "set_size_inches", "suptitle", "tight_layout"]
    }

    func attribute(_ name: String) throws -> Value? {
        switch name {
        case "axes": return .list(figure.axes.map { .object(AxesObject($0)) })
        case "dpi": return .float(figure.dpi)
        case "number": return session?.plots.number(of: figure).map { Value.int($0) } ?? Value.none
        default: break
        }
        guard let method = try method(name) else {
            throw ScriptError(.attribute, "'Figure' object has no attribute '\(name)' in tl; figures support "
                + attributeNames.joined(separator: ", "))
        }
        return .command(method)
    }

    private func method(_ name: String) throws -> CommandSpec? {
        let figure = self.figure
        switch name {
        case "suptitle":
            return CommandSpec(name: "Figure.suptitle", parameters: PlotArguments.suptitleParameters) { args, _ in
                try PlotArguments.suptitle(args, on: figure); return .none
            }
        case "savefig":
            return CommandSpec(name: "Figure.savefig", parameters: Self.savefigParameters) { [weak self] args, interpreter in
                guard let session = self?.session else { throw ScriptError(.runtime, "savefig(): the session has ended") }
                return try session.savefig(figure, args, interpreter)
            }
        case "add_subplot":
            return CommandSpec(name: "Figure.add_subplot", acceptsExtraPositional: true) { args, _ in
                let (rows, columns, index) = try PlotArguments.subplotGrid(args.extraPositional, command: "add_subplot")
                return .object(AxesObject(try Self.plotting { try figure.subplot(rows: rows, columns: columns, index: index) }))
            }
        case "gca":
            return CommandSpec(name: "Figure.gca") { _, _ in .object(AxesObject(figure.currentAxes)) }
        case "clf":
            return CommandSpec(name: "Figure.clf") { _, _ in figure.clear(); return .none }
        case "tight_layout":
            // Every subplot already gets its own cell with room for its labels.
            return CommandSpec(name: "Figure.tight_layout") { _, _ in .none }
        case "set_size_inches":
            return CommandSpec(name: "Figure.set_size_inches", parameters: [ParameterSpec("w", kind: .number), ParameterSpec("h", kind: .number)]) { args, _ in
                let resized = try Self.plotting { try Figure(inches: (try args.double("w"), try args.double("h")), dpi: figure.dpi) }
                figure.width = resized.width
                figure.height = resized.height
                return .none
            }
        default: return nil
        }
    }

    /// Runs `body`, turning a ``PlotError`` into Python's ValueError.
    static func plotting<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PlotError {
            throw ScriptError(.value, error.description)
        }
    }
}

/// A matplotlib `Axes` in scripts: `ax.plot`, `ax.set_title`, `ax.imshow`, `ax.axis('off')`, ...
final class AxesObject: HostObject {
    let axes: Axes

    init(_ axes: Axes) { self.axes = axes }

    var typeName: String { "Axes" }
    /// matplotlib's repr: `<Axes: title={'center': 'Loss'}>`.
    var summaryDescription: String {
        "<Axes: " + (axes.title.map { "title={'center': \(Value.string($0).repr)}" } ?? "") + ">"
    }
    var attributeNames: [String] { AxesCommand.all.map(\.method) }

    func attribute(_ name: String) throws -> Value? {
        guard let command = AxesCommand.named(name) else {
            throw ScriptError(.attribute, "'Axes' object has no attribute '\(name)' in tl; axes support "
                + attributeNames.joined(separator: ", "))
        }
        let axes = self.axes
        return .command(command.spec(name: "Axes.\(name)") { axes })
    }
}

/// What `plt.subplots(rows, cols)` returns for several axes: NumPy's object array of them, one- or
/// two-dimensional as matplotlib squeezes it; `axes[0]`, `axes[0, 1]`, `axes[1][0]`, `axes.flat`.
final class AxesGridObject: HostObject {
    /// Rows of axes; a one-dimensional grid is a single row.
    private let rows: [[Axes]]
    private let isTwoDimensional: Bool

    private init(rows: [[Axes]], isTwoDimensional: Bool) {
        self.rows = rows
        self.isTwoDimensional = isTwoDimensional
    }

    /// matplotlib's `squeeze`: one axes alone, a 1-row or 1-column grid as a 1-D array, else 2-D.
    static func value(_ grid: [[Axes]], squeeze: Bool) -> Value {
        let columns = grid.first?.count ?? 0
        guard squeeze else { return .object(AxesGridObject(rows: grid, isTwoDimensional: true)) }
        if grid.count == 1 && columns == 1 { return .object(AxesObject(grid[0][0])) }
        if grid.count == 1 || columns == 1 {
            return .object(AxesGridObject(rows: [grid.flatMap { $0 }], isTwoDimensional: false))
        }
        return .object(AxesGridObject(rows: grid, isTwoDimensional: true))
    }

    private var flat: [Axes] { rows.flatMap { $0 } }
    private var shape: [Int] { isTwoDimensional ? [rows.count, rows.first?.count ?? 0] : [rows.first?.count ?? 0] }

    var typeName: String { "ndarray" }
    var summaryDescription: String {
        func row(_ axes: [Axes]) -> String { "[" + axes.map { AxesObject($0).summaryDescription }.joined(separator: ", ") + "]" }
        let body = isTwoDimensional ? "[" + rows.map(row).joined(separator: ",\n       ") + "]" : row(flat)
        return "array(\(body), dtype=object)"
    }
    var attributeNames: [String] { ["flat", "flatten", "ravel", "ndim", "shape", "size"] }
    var count: Int? { shape[0] }

    func attribute(_ name: String) throws -> Value? {
        let axes = flat.map { Value.object(AxesObject($0)) }
        switch name {
        case "flat": return .list(axes)
        case "flatten", "ravel": return .command(CommandSpec(name: "ndarray.\(name)") { _, _ in .list(axes) })
        case "shape": return .tuple(shape.map { .int($0) })
        case "ndim": return .int(shape.count)
        case "size": return .int(axes.count)
        default: return nil
        }
    }

    /// `axes[i]` (a row of a 2-D grid, or an axes), `axes[i, j]`; negative indexes count from the end.
    func element(at index: Value) throws -> Value? {
        let indexes = index.asSequence.map { $0 } ?? [index]
        guard indexes.count <= shape.count else {
            throw ScriptError(.index, "too many indices for an array of axes: it is \(shape.count)-dimensional")
        }
        let positions = try zip(indexes, shape).map { item, size -> Int in
            guard let number = try item.scalarOrSelf().asInt else {
                throw ScriptError(.index, "axes can be indexed only by integers (axes[0], axes[0, 1]), got \(item.typeName)")
            }
            let position = number < 0 ? number + size : number
            guard (0..<size).contains(position) else {
                throw ScriptError(.index, "index \(number) is out of bounds for axis of size \(size)")
            }
            return position
        }
        if !isTwoDimensional { return .object(AxesObject(rows[0][positions[0]])) }
        if positions.count == 2 { return .object(AxesObject(rows[positions[0]][positions[1]])) }
        return .object(AxesGridObject(rows: [rows[positions[0]]], isTwoDimensional: false))
    }
}

/// The bars `plt.hist` drew, third of its results (`n, bins, patches = plt.hist(x)`).
final class BarContainerObject: HostObject {
    let barCount: Int
    init(count: Int) { barCount = count }
    var typeName: String { "BarContainer" }
    var summaryDescription: String { "<BarContainer object of \(barCount) artists>" }
    var count: Int? { barCount }
    func attribute(_ name: String) throws -> Value? { nil }
}
