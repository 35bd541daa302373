import Foundation
import TLPlot
import TLScript

/// Reading matplotlib's arguments (numbers, arrays, colours, styles) and applying the axes commands.
enum PlotArguments {
    /// pyplot functions tl does not draw; calling one says so.
    static let unsupportedPyplotCalls = [
        "bar", "barh", "errorbar", "fill_between", "pie", "boxplot", "violinplot", "contour", "contourf",
        "colorbar", "text", "annotate", "semilogx", "semilogy", "loglog", "axhline", "axvline", "twinx",
        "stem", "step", "stackplot", "pcolormesh", "matshow", "quiver", "polar", "hexbin", "table",
    ]

    static let tickParameters: [ParameterSpec] = [
        ParameterSpec("ticks", default: .none), ParameterSpec("labels", default: .none, kind: .list),
        ParameterSpec("rotation", default: .none, kind: .number, keywordOnly: true),
    ]

    // MARK: numbers

    /// Numbers and their shape from an array, a (nested) list or tuple of numbers, or a single number.
    static func array(_ value: Value, argument: String, command: String) throws -> (values: [Double], shape: [Int]) {
        if case .object(let object as ArrayObject) = value {
            return (object.tensor.scalars.map(Double.init), object.tensor.shape)
        }
        if let number = try value.scalarOrSelf().asDouble { return ([number], []) }
        if let items = value.asSequence {
            // NumPy scalars in a list (`[np.mean(a), ...]`) are numbers too.
            let numbers = try items.map { try $0.scalarOrSelf().asDouble }
            if numbers.allSatisfy({ $0 != nil }) { return (numbers.map { $0! }, [items.count]) }
        }
        let tensor = try value.toTensor(argument: argument, command: command)
        return (tensor.scalars.map(Double.init), tensor.shape)
    }

    /// A one-dimensional run of numbers (an `(N, 1)` column counts as one).
    static func numbers(_ value: Value, argument: String, command: String) throws -> [Double] {
        let (values, shape) = try array(value, argument: argument, command: command)
        guard shape.filter({ $0 != 1 }).count <= 1 else {
            throw ScriptError(.value, "argument '\(argument)' of \(command)() must be one-dimensional, got shape "
                + "(\(shape.map(String.init).joined(separator: ", "))); pass one row or column, or .ravel()")
        }
        return values
    }

    static func optionalNumber(_ args: CallArguments, _ name: String) throws -> Double? {
        let value = try args[name].scalarOrSelf()
        if value.isNone { return nil }
        guard let number = value.asDouble else { throw args.typeError(name, expected: "a number") }
        return number
    }

    static func pair(_ limits: (Double, Double)) -> Value { .tuple([.float(limits.0), .float(limits.1)]) }

    // MARK: colours and styles

    /// A colour given as a string or an `(r, g, b[, a])` tuple of 0-1 values; nil for None.
    static func color(_ value: Value) throws -> (color: PlotStyle.Color, alpha: Double?)? {
        if value.isNone { return nil }
        if let text = value.asString { return try PlotStyle.Color.parse(text) }
        if let parts = value.asSequence {
            let numbers = try parts.map { try $0.scalarOrSelf().asDouble }
            if numbers.allSatisfy({ $0 != nil }) { return try PlotStyle.Color.fromFractions(numbers.map { $0! }) }
        }
        throw ScriptError(.type, "a colour must be a string such as 'red', '#1f77b4' or 'C1', or an (r, g, b) tuple, "
            + "got \(value.typeName)")
    }

    /// The first of several spellings the caller gave (`linewidth` or `lw`).
    static func either(_ args: CallArguments, _ names: String...) -> (name: String, value: Value)? {
        names.lazy.map { ($0, args[$0]) }.first { !$0.1.isNone }
    }

    /// A format string's style with the keyword arguments laid over it, as matplotlib does.
    static func style(format: String, _ args: CallArguments) throws -> PlotStyle {
        var style = try PlotStyle(format: format)
        // A marker keyword without a format keeps the line (`plot(x, y, marker='o')`); a format "o" does not.
        if style.marker == nil && style.line == nil && !args["marker"].isNone { style.line = .solid }
        if let (_, value) = either(args, "color", "c"), let (color, alpha) = try color(value) {
            style.color = color
            if let alpha { style.alpha = alpha }
        }
        if let (name, value) = either(args, "linestyle", "ls") {
            guard let text = value.asString else { throw args.typeError(name, expected: "a line style such as '--' or 'dashed'") }
            style.line = try PlotStyle.LineStyle(keyword: text)
        }
        if let (name, value) = either(args, "marker") {
            guard let text = value.asString else { throw args.typeError(name, expected: "a marker such as 'o' or '^'") }
            style.marker = try PlotStyle.Marker.keyword(text)
        }
        if let (name, _) = either(args, "linewidth", "lw") { style.lineWidth = try positive(args, name) }
        if let (name, _) = either(args, "markersize", "ms") { style.markerSize = try positive(args, name) }
        if !args["alpha"].isNone { style.alpha = try fraction(args, "alpha") }
        return style
    }

    static func positive(_ args: CallArguments, _ name: String) throws -> Double {
        guard let number = try optionalNumber(args, name), number >= 0 else {
            throw args.typeError(name, expected: "a number of points, 0 or more")
        }
        return number
    }

    static func fraction(_ args: CallArguments, _ name: String) throws -> Double {
        guard let number = try optionalNumber(args, name), (0...1).contains(number) else {
            throw args.typeError(name, expected: "a number from 0 to 1")
        }
        return number
    }

    /// `label=`: a string, or a number shown as Python's `str` shows it (matplotlib calls `str` too).
    static func label(_ args: CallArguments) throws -> String? {
        switch try args["label"].scalarOrSelf() {
        case .none: return nil
        case .string(let text): return text
        case let number where number.asDouble != nil: return number.repr
        default: throw args.typeError("label", expected: "a string")
        }
    }

    // MARK: figures

    /// A figure of `figsize` inches (matplotlib's 6.4 x 4.8 by default) at `dpi` (100).
    static func figure(_ args: CallArguments, figsize: String, dpi: String) throws -> Figure {
        var inches = (width: 6.4, height: 4.8)
        if !args[figsize].isNone {
            let size = try array(args[figsize], argument: figsize, command: args.commandName).values
            guard size.count == 2 else { throw args.typeError(figsize, expected: "a (width, height) pair in inches") }
            inches = (size[0], size[1])
        }
        let resolution = try optionalNumber(args, dpi) ?? Figure.defaultDPI
        do {
            return try Figure(inches: inches, dpi: resolution)
        } catch let error as PlotError {
            throw ScriptError(.value, "\(args.commandName)(): \(error.description)")
        }
    }

    /// `subplot(2, 2, 1)` or `subplot(221)` (three digits: rows, columns, index).
    static func subplotGrid(_ values: [Value], command: String) throws -> (Int, Int, Int) {
        let numbers = try values.map { value -> Int in
            guard let number = try value.scalarOrSelf().asInt else {
                throw ScriptError(.type, "\(command)() takes integers: \(command)(rows, cols, index) or \(command)(221), got \(value.typeName)")
            }
            return number
        }
        switch numbers.count {
        case 0: return (1, 1, 1)
        case 1 where (111...999).contains(numbers[0]):
            return (numbers[0] / 100, numbers[0] / 10 % 10, numbers[0] % 10)
        case 3: return (numbers[0], numbers[1], numbers[2])
        default:
            throw ScriptError(.value, "\(command)() takes (rows, cols, index) or a three-digit number such as 221, "
                + "got \(numbers.count) arguments")
        }
    }
}

// MARK: drawing

extension PlotArguments {
    /// `plot(y)`, `plot(x, y)`, `plot(x, y, fmt)`, several such groups in one call, and a 2-D `y`
    /// drawn one line per column, as matplotlib does.
    static func plot(_ args: CallArguments, on axes: Axes) throws {
        let positional = [args["x"], args["y"], args["fmt"]].filter { !$0.isNone } + args.extraPositional
        var groups: [(x: Value?, y: Value, format: String)] = []
        var pending: [Value] = []
        func closeGroup(format: String) throws {
            switch pending.count {
            case 1: groups.append((nil, pending[0], format))
            case 2: groups.append((pending[0], pending[1], format))
            default:
                throw ScriptError(.value, "plot() takes [x], y, [fmt] groups; got \(pending.count) arrays before "
                    + (format.isEmpty ? "the end" : "the format '\(format)'"))
            }
            pending = []
        }
        for value in positional {
            if let format = value.asString { try closeGroup(format: format) } else {
                if pending.count == 2 { try closeGroup(format: "") }
                pending.append(value)
            }
        }
        if !pending.isEmpty { try closeGroup(format: "") }
        let label = try label(args)
        for group in groups {
            let style = try style(format: group.format, args)
            for (x, y) in try columns(x: group.x, y: group.y) {
                axes.add(try series(x: x, y: y, style: style, label: label))
            }
        }
    }

    /// The lines one group draws: `y` itself, or each column of a 2-D `y`.
    private static func columns(x: Value?, y: Value) throws -> [(x: [Double]?, y: [Double])] {
        let (values, shape) = try array(y, argument: "y", command: "plot")
        let xs = try x.map { try numbers($0, argument: "x", command: "plot") }
        guard shape.count == 2, shape[1] > 1 else {
            guard shape.count <= 2 else {
                throw ScriptError(.value, "plot(): y must be one- or two-dimensional, got \(shape.count) dimensions")
            }
            return [(xs, values)]
        }
        let (rows, columnCount) = (shape[0], shape[1])
        return (0..<columnCount).map { column in (xs, (0..<rows).map { values[$0 * columnCount + column] }) }
    }

    private static func series(x: [Double]?, y: [Double], style: PlotStyle, label: String?) throws -> PlotSeries {
        let xs = x ?? y.indices.map(Double.init)
        guard xs.count == y.count else {
            throw ScriptError(.value, "plot(): x and y must have the same length, got \(xs.count) and \(y.count)")
        }
        return try PlotSeries(x: xs, y: y, style: style, label: label)
    }

    /// `scatter(x, y, s=, c=, marker=, cmap=, alpha=, label=, color=)`.
    static func scatter(_ args: CallArguments, on axes: Axes) throws {
        let x = try numbers(args["x"], argument: "x", command: "scatter")
        let y = try numbers(args["y"], argument: "y", command: "scatter")
        guard x.count == y.count else {
            throw ScriptError(.value, "scatter(): x and y must be the same size, got \(x.count) and \(y.count)")
        }
        // s: marker area in points², matplotlib's default 6-point markers (36).
        var sizes = [Double](repeating: 36, count: x.count)
        if !args["s"].isNone {
            let given = try numbers(args["s"], argument: "s", command: "scatter")
            guard given.count == 1 || given.count == x.count else {
                throw ScriptError(.value, "scatter(): s must be one size or one per point (\(x.count)), got \(given.count)")
            }
            sizes = given.count == 1 ? sizes.map { _ in given[0] } : given
        }
        var style = PlotStyle(marker: try args["marker"].asString.map(PlotStyle.Marker.keyword) ?? .circle)
        if !args["alpha"].isNone { style.alpha = try fraction(args, "alpha") }
        if let (color, alpha) = try color(args["color"]) { style.color = color; style.alpha = style.alpha ?? alpha }
        let colors = try pointColors(args, count: x.count, style: &style)
        axes.add(try PlotSeries(x: x, y: y, style: style, label: try label(args),
                                kind: .scatter(sizes: sizes, colors: colors)))
    }

    /// `c=`: one colour (into `style`), a colour per point, or numbers mapped through `cmap` (viridis).
    private static func pointColors(_ args: CallArguments, count: Int, style: inout PlotStyle) throws -> [PlotStyle.Color]? {
        let value = args["c"]
        if value.isNone { return nil }
        if value.asString != nil || isColorTuple(value) {
            style.color = try color(value)?.color
            return nil
        }
        if let items = value.asSequence, items.contains(where: { $0.asString != nil || isColorTuple($0) }) {
            guard items.count == count else {
                throw ScriptError(.value, "scatter(): c must give one colour per point (\(count)), got \(items.count)")
            }
            return try items.map { item in
                guard let parsed = try color(item) else { throw ScriptError(.type, "scatter(): c holds None") }
                return parsed.color
            }
        }
        let values = try numbers(value, argument: "c", command: "scatter")
        guard values.count == count else {
            throw ScriptError(.value, "scatter(): c must give one value per point (\(count)), got \(values.count)")
        }
        let colormap = try colormap(args["cmap"], command: "scatter")
        let finite = values.filter(\.isFinite)
        let low = finite.min() ?? 0, high = finite.max() ?? 1
        return values.map { colormap.color(at: high > low ? ($0 - low) / (high - low) : 0) }
    }

    private static func isColorTuple(_ value: Value) -> Bool {
        guard case .tuple(let parts) = value, parts.count == 3 || parts.count == 4 else { return false }
        return parts.allSatisfy { $0.asDouble != nil }
    }

    static func colormap(_ value: Value, command: String) throws -> Colormap {
        if value.isNone { return .viridis }
        guard let name = value.asString else {
            throw ScriptError(.type, "\(command)(): cmap must be a colormap name such as 'gray' or 'viridis', got \(value.typeName)")
        }
        return try Colormap(named: name)
    }

    /// `hist(x, bins=10, range=, density=, color=, alpha=, label=, edgecolor=)`; returns matplotlib's
    /// `(counts, bin_edges, patches)`.
    static func hist(_ args: CallArguments, on axes: Axes) throws -> Value {
        let values = try numbers(args["x"], argument: "x", command: "hist")
        let bins: Histogram.Bins
        if let rule = args["bins"].asString {
            throw ScriptError(.value, "hist(): bins='\(rule)' is not supported: give a number of bins or a list of edges")
        }
        if let count = args["bins"].asInt { bins = .count(count) } else {
            bins = .edges(try numbers(args["bins"], argument: "bins", command: "hist"))
        }
        var range: (Double, Double)?
        if !args["range"].isNone {
            let bounds = try numbers(args["range"], argument: "range", command: "hist")
            guard bounds.count == 2 else { throw args.typeError("range", expected: "a (low, high) pair") }
            range = (bounds[0], bounds[1])
        }
        let histogram = try Histogram(values: values, bins: bins, range: range, density: try args.bool("density"))
        var style = PlotStyle()
        if let (color, alpha) = try color(args["color"]) { style.color = color; style.alpha = alpha }
        if !args["alpha"].isNone { style.alpha = try fraction(args, "alpha") }
        let edge = try color(args["edgecolor"])?.color
        axes.add(try PlotSeries(x: histogram.centres, y: histogram.counts, style: style, label: try label(args),
                                kind: .bars(widths: histogram.widths, edgeColor: edge)))
        return .tuple([Value.floats(histogram.counts), Value.floats(histogram.edges),
                       .object(BarContainerObject(count: histogram.counts.count))])
    }

    /// `imshow(X, cmap=, vmin=, vmax=, interpolation=, aspect=)` for an `(H, W)`, `(H, W, 3)` or
    /// `(H, W, 4)` array; integer arrays hold 0-255, float arrays 0-1.
    static func imshow(_ args: CallArguments, on axes: Axes, interpreter: Interpreter) throws {
        let value = args["X"]
        let (values, shape) = try array(value, argument: "X", command: "imshow")
        let image = try PlotImage(values: values.map { Float($0) }, shape: shape, integerValued: holdsBytes(value, values),
                                  colormap: try colormap(args["cmap"], command: "imshow"),
                                  vmin: try optionalNumber(args, "vmin"), vmax: try optionalNumber(args, "vmax"))
        if image.wasClipped {
            let finite = values.filter(\.isFinite)
            interpreter.write("warning: Clipping input data to the valid range for imshow with RGB data "
                + "([0..1] for floats or [0..255] for integers). Got range [\(finite.min() ?? 0)..\(finite.max() ?? 0)].\n")
        }
        axes.show(image)
        switch try args.optionalString("aspect") {
        case nil, "equal": axes.equalAspect = true
        case "auto": axes.equalAspect = false
        case let other?: throw ScriptError(.value, "imshow(): aspect must be 'equal' or 'auto', got '\(other)'")
        }
    }

    /// Whether RGB values are bytes (0-255) rather than fractions (0-1). As matplotlib decides: an integer
    /// dtype, or Python ints in lists. And as Keras's images arrive in a notebook: tl's `load_img`,
    /// `img_to_array` and `array_to_img` give float32 arrays of whole 0-255 values where Keras gives PIL
    /// images or uint8 arrays, so whole numbers within 0...255 that go above 1 are bytes too; other
    /// floats are fractions, clipped with matplotlib's warning.
    private static func holdsBytes(_ value: Value, _ values: [Double]) -> Bool {
        if case .object(let object) = value, let dtype = try? object.attribute("dtype") {
            let name: String
            switch dtype {
            case .string(let text): name = text
            case .object(let type): name = type.printDescription ?? type.summaryDescription
            default: name = ""
            }
            if name.contains("int") || name.contains("bool") { return true }
        }
        func integers(_ item: Value) -> Bool {
            if case .int = item { return true }
            return item.asSequence?.allSatisfy(integers) ?? false
        }
        if integers(value) { return true }
        let wholeBytes = values.allSatisfy { (0...255).contains($0) && $0 == $0.rounded() }
        return wholeBytes && values.contains { $0 > 1 }
    }
}

// MARK: labels and layout

extension PlotArguments {
    /// `legend()`, `legend(['a', 'b'])`, `legend(loc='upper left')` or a code `loc=2`, `frameon=False`.
    static func legend(_ args: CallArguments, on axes: Axes) throws {
        let location: LegendLocation
        do {
            switch try args["loc"].scalarOrSelf() {
            case .string(let name): location = try LegendLocation(name: name)
            case .int(let code): location = try LegendLocation(code: code)
            default:
                throw ScriptError(.value, "legend(): loc must be a location name such as 'upper left' or a code 0-10; "
                    + "positions such as (x, y) are not supported")
            }
        } catch let error as PlotError {
            throw ScriptError(.value, "legend(): \(error.description)")
        }
        axes.legendLocation = location
        axes.legendHasFrame = try args.bool("frameon")
        axes.fontSizes.legend = try fontSize(args) ?? axes.fontSizes.legend
        if !args["labels"].isNone {
            let labels = try args.list("labels").map { item -> String in
                guard let text = item.asString else { throw args.typeError("labels", expected: "a list of strings") }
                return text
            }
            axes.setLegendLabels(labels)
        }
        axes.showsLegend = true
    }

    /// `xticks(ticks, labels, rotation=)`: positions (`[]` hides them), their labels, their angle.
    static func ticks(_ args: CallArguments, current: Ticks?) throws -> Ticks {
        var ticks = current ?? Ticks()
        if !args["ticks"].isNone {
            ticks.positions = try numbers(args["ticks"], argument: "ticks", command: args.commandName)
            ticks.labels = nil
        }
        if !args["labels"].isNone {
            guard let positions = ticks.positions else {
                throw ScriptError(.value, "\(args.commandName)(): labels need tick positions: give ticks=[...] too")
            }
            let labels = try args.list("labels").map { try $0.scalarOrSelf().asString ?? $0.repr }
            guard labels.count == positions.count else {
                throw ScriptError(.value, "\(args.commandName)(): \(labels.count) labels for \(positions.count) ticks")
            }
            ticks.labels = labels
        }
        if let rotation = try optionalNumber(args, "rotation") { ticks.rotation = rotation }
        return ticks
    }

    /// `xlim(left, right)`, `xlim((left, right))`, `xlim(right=5)`; no arguments leaves them as they are.
    static func limits(_ args: CallArguments, lower: String, upper: String, of limits: inout AxisLimits) throws {
        if let pair = args[lower].asSequence {
            let bounds = try numbers(.list(pair), argument: lower, command: args.commandName)
            guard bounds.count == 2, args[upper].isNone else {
                throw args.typeError(lower, expected: "a number or a (\(lower), \(upper)) pair")
            }
            limits = AxisLimits(lower: bounds[0], upper: bounds[1])
            return
        }
        if let value = try optionalNumber(args, lower) { limits.lower = value }
        if let value = try optionalNumber(args, upper) { limits.upper = value }
    }

    /// `axis('off')`, `'on'`, `'equal'`/`'scaled'`/`'image'`, `'auto'`, `'tight'`, or
    /// `[xmin, xmax, ymin, ymax]`; returns the limits as matplotlib does.
    static func axis(_ args: CallArguments, on axes: Axes) throws -> Value {
        switch args["option"] {
        case .none: break
        case .string("off"): axes.showsAxis = false
        case .string("on"): axes.showsAxis = true
        case .string("equal"), .string("scaled"), .string("image"): axes.equalAspect = true
        case .string("auto"): axes.equalAspect = false
        case .string("tight"):
            let shown = axes.shownLimits
            let (x, y) = (tightRange(axes.series.flatMap(\.x)), tightRange(axes.series.flatMap(\.y)))
            axes.xLimits = AxisLimits(lower: x?.0 ?? shown.x.0, upper: x?.1 ?? shown.x.1)
            axes.yLimits = AxisLimits(lower: y?.0 ?? shown.y.0, upper: y?.1 ?? shown.y.1)
        case .string(let other):
            throw ScriptError(.value, "axis('\(other)') is not supported: use 'off', 'on', 'equal', 'scaled', 'image', "
                + "'auto', 'tight' or [xmin, xmax, ymin, ymax]")
        default:
            let bounds = try numbers(args["option"], argument: "option", command: args.commandName)
            guard bounds.count == 4 else { throw args.typeError("option", expected: "[xmin, xmax, ymin, ymax]") }
            axes.xLimits = AxisLimits(lower: bounds[0], upper: bounds[1])
            axes.yLimits = AxisLimits(lower: bounds[2], upper: bounds[3])
        }
        let shown = axes.shownLimits
        return .tuple([shown.x.0, shown.x.1, shown.y.0, shown.y.1].map { .float($0) })
    }

    private static func tightRange(_ values: [Double]) -> (Double, Double)? {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else { return nil }
        return (low, high)
    }

    /// `grid()` toggles, `grid(True)`/`grid(False)`, `axis='x'`, and line keywords (which turn it on).
    static func grid(_ args: CallArguments, on axes: Axes) throws {
        let styled = ["color", "linestyle", "linewidth", "alpha"].contains { !args[$0].isNone }
        let visible = args["visible"].isNone ? (styled || axes.grid == nil) : try args.bool("visible")
        guard visible else { axes.grid = nil; return }
        guard let axis = GridLines.Axis(rawValue: try args.string("axis")) else {
            throw ScriptError(.value, "grid(): axis must be 'both', 'x' or 'y', got '\(try args.string("axis"))'")
        }
        var style = PlotStyle()
        if let (color, alpha) = try color(args["color"]) { style.color = color; style.alpha = alpha }
        if let text = try args.optionalString("linestyle") { style.line = try PlotStyle.LineStyle(keyword: text) }
        style.lineWidth = try optionalNumber(args, "linewidth")
        if !args["alpha"].isNone { style.alpha = try fraction(args, "alpha") }
        axes.grid = GridLines(axis: axis, style: style)
    }
}

// MARK: fonts, scales and ax.set

extension PlotArguments {
    /// matplotlib's named font sizes, relative to its 10-point default.
    private static let namedFontSizes: [String: Double] = [
        "xx-small": 5.79, "x-small": 6.94, "small": 8.33, "medium": 10, "large": 12, "x-large": 14.4, "xx-large": 17.28,
    ]

    /// `fontsize=`: a number of points or one of matplotlib's names; nil when not given.
    static func fontSize(_ args: CallArguments) throws -> Double? {
        let value = try args["fontsize"].scalarOrSelf()
        if value.isNone { return nil }
        if let points = value.asDouble, points > 0 { return points }
        if let name = value.asString, let points = namedFontSizes[name] { return points }
        throw args.typeError("fontsize", expected: "a size in points or one of "
            + namedFontSizes.sorted { $0.value < $1.value }.map { "'\($0.key)'" }.joined(separator: ", "))
    }

    static let suptitleParameters = [ParameterSpec("t", kind: .string), AxesCommand.fontSize]

    /// `suptitle(t, fontsize=)` on `figure`.
    static func suptitle(_ args: CallArguments, on figure: Figure) throws {
        figure.suptitle = try args.string("t")
        figure.suptitleFontSize = try fontSize(args) ?? figure.suptitleFontSize
    }

    /// `xscale('log')` / `'linear'`; matplotlib's other scales are not drawn by tl.
    static func isLogarithmic(_ args: CallArguments) throws -> Bool {
        switch try args.string("value") {
        case "log": return true
        case "linear": return false
        case let other:
            throw ScriptError(.value, "\(args.commandName)('\(other)') is not supported: tl draws 'linear' and 'log' axes")
        }
    }

    /// `ax.set(title=, xlabel=, ylabel=, xlim=, ylim=, xscale=, yscale=)`: each through its own command.
    static func setProperties(_ args: CallArguments, on axes: Axes, interpreter: Interpreter) throws {
        let commands = ["title": "set_title", "xlabel": "set_xlabel", "ylabel": "set_ylabel", "xlim": "set_xlim",
                        "ylim": "set_ylim", "xscale": "set_xscale", "yscale": "set_yscale"]
        for (property, method) in commands.sorted(by: { $0.key < $1.key }) where !args[property].isNone {
            guard let command = AxesCommand.named(method) else { continue }
            _ = try interpreter.callCommand(command.spec(name: "Axes.set") { axes }, [PassedArgument(value: args[property])])
        }
    }
}
