import Foundation
import TLPlot
import TLScript

/// A matplotlib call on one set of axes: `ax.METHOD(...)` on an ``AxesObject``, and `plt.NAME(...)`
/// on the current figure's current axes, sharing one set of parameters and one body.
struct AxesCommand {
    /// The `Axes` method name (`set_title`).
    let method: String
    /// The pyplot name (`title`), nil when pyplot has no such function.
    let pyplotName: String?
    let parameters: [ParameterSpec]
    var acceptsExtraPositional = false
    let run: (CallArguments, Axes, Interpreter) throws -> Value

    /// The command acting on the axes `target()` returns when called.
    func spec(name: String, aliases: [String] = [], target: @escaping () -> Axes) -> CommandSpec {
        CommandSpec(name: name, parameters: parameters, acceptsExtraPositional: acceptsExtraPositional,
                    aliases: aliases) { args, interpreter in
            do {
                return try run(args, target(), interpreter)
            } catch let error as PlotError {
                // An unknown colour or marker is a ValueError in matplotlib too.
                throw ScriptError(.value, error.description)
            }
        }
    }

    static func named(_ method: String) -> AxesCommand? { all.first { $0.method == method } }

    static let all: [AxesCommand] = drawing + labels + layout

    /// `fontsize=`: points or a name such as `'large'`.
    static let fontSize = ParameterSpec("fontsize", default: .none, keywordOnly: true)

    /// Style keywords shared by `plot` and friends, matplotlib's long and short spellings.
    static let lineStyleParameters: [ParameterSpec] = [
        "label", "color", "c", "linestyle", "ls", "linewidth", "lw", "marker", "markersize", "ms", "alpha",
    ].map { ParameterSpec($0, default: .none, keywordOnly: true) }

    private static let drawing: [AxesCommand] = [
        AxesCommand(method: "plot", pyplotName: "plot", parameters: [
            ParameterSpec("x"), ParameterSpec("y", default: .none), ParameterSpec("fmt", default: .none),
        ] + lineStyleParameters, acceptsExtraPositional: true) { args, axes, _ in
            try PlotArguments.plot(args, on: axes); return .none
        },
        AxesCommand(method: "scatter", pyplotName: "scatter", parameters: [
            ParameterSpec("x"), ParameterSpec("y"), ParameterSpec("s", default: .none), ParameterSpec("c", default: .none),
            ParameterSpec("marker", default: .none), ParameterSpec("cmap", default: .none),
            ParameterSpec("alpha", default: .none), ParameterSpec("label", default: .none), ParameterSpec("color", default: .none),
        ]) { args, axes, _ in
            try PlotArguments.scatter(args, on: axes); return .none
        },
        AxesCommand(method: "hist", pyplotName: "hist", parameters: [
            ParameterSpec("x"), ParameterSpec("bins", default: 10), ParameterSpec("range", default: .none),
            ParameterSpec("density", default: false, kind: .bool), ParameterSpec("color", default: .none),
            ParameterSpec("alpha", default: .none), ParameterSpec("label", default: .none),
            ParameterSpec("edgecolor", default: .none),
        ]) { args, axes, _ in
            try PlotArguments.hist(args, on: axes)
        },
        AxesCommand(method: "imshow", pyplotName: "imshow", parameters: [
            ParameterSpec("X"), ParameterSpec("cmap", default: .none), ParameterSpec("vmin", default: .none, kind: .number),
            ParameterSpec("vmax", default: .none, kind: .number), ParameterSpec("interpolation", default: .none, kind: .string),
            ParameterSpec("aspect", default: .none, kind: .string),
        ]) { args, axes, interpreter in
            try PlotArguments.imshow(args, on: axes, interpreter: interpreter); return .none
        },
    ]

    private static let labels: [AxesCommand] = [
        AxesCommand(method: "set_title", pyplotName: "title", parameters: [ParameterSpec("label", kind: .string), fontSize]) { args, axes, _ in
            axes.title = try args.string("label")
            axes.fontSizes.title = try PlotArguments.fontSize(args) ?? axes.fontSizes.title
            return .none
        },
        AxesCommand(method: "set_xlabel", pyplotName: "xlabel", parameters: [ParameterSpec("xlabel", kind: .string), fontSize]) { args, axes, _ in
            axes.xLabel = try args.string("xlabel")
            axes.fontSizes.xLabel = try PlotArguments.fontSize(args) ?? axes.fontSizes.xLabel
            return .none
        },
        AxesCommand(method: "set_ylabel", pyplotName: "ylabel", parameters: [ParameterSpec("ylabel", kind: .string), fontSize]) { args, axes, _ in
            axes.yLabel = try args.string("ylabel")
            axes.fontSizes.yLabel = try PlotArguments.fontSize(args) ?? axes.fontSizes.yLabel
            return .none
        },
        AxesCommand(method: "legend", pyplotName: "legend", parameters: [
            ParameterSpec("labels", default: .none, kind: .list), ParameterSpec("loc", default: "best"),
            ParameterSpec("frameon", default: true, kind: .bool), fontSize,
        ]) { args, axes, interpreter in
            try PlotArguments.legend(args, on: axes)
            if !axes.series.contains(where: { $0.label != nil }) {
                interpreter.write("warning: No artists with labels found to put in legend: give plot(..., label='...') "
                    + "or legend(['name', ...])\n")
            }
            return .none
        },
        AxesCommand(method: "set_xticks", pyplotName: "xticks", parameters: PlotArguments.tickParameters + [fontSize]) { args, axes, _ in
            axes.xTicks = try PlotArguments.ticks(args, current: axes.xTicks)
            axes.fontSizes.xTicks = try PlotArguments.fontSize(args) ?? axes.fontSizes.xTicks
            return .none
        },
        AxesCommand(method: "set_yticks", pyplotName: "yticks", parameters: PlotArguments.tickParameters + [fontSize]) { args, axes, _ in
            axes.yTicks = try PlotArguments.ticks(args, current: axes.yTicks)
            axes.fontSizes.yTicks = try PlotArguments.fontSize(args) ?? axes.fontSizes.yTicks
            return .none
        },
    ]

    private static let layout: [AxesCommand] = [
        AxesCommand(method: "set_xlim", pyplotName: "xlim", parameters: [
            ParameterSpec("left", default: .none), ParameterSpec("right", default: .none, kind: .number),
        ]) { args, axes, _ in
            try PlotArguments.limits(args, lower: "left", upper: "right", of: &axes.xLimits)
            return PlotArguments.pair(axes.shownLimits.x)
        },
        AxesCommand(method: "set_ylim", pyplotName: "ylim", parameters: [
            ParameterSpec("bottom", default: .none), ParameterSpec("top", default: .none, kind: .number),
        ]) { args, axes, _ in
            try PlotArguments.limits(args, lower: "bottom", upper: "top", of: &axes.yLimits)
            return PlotArguments.pair(axes.shownLimits.y)
        },
        AxesCommand(method: "axis", pyplotName: "axis", parameters: [ParameterSpec("option", default: .none)]) { args, axes, _ in
            try PlotArguments.axis(args, on: axes)
        },
        AxesCommand(method: "grid", pyplotName: "grid", parameters: [
            ParameterSpec("visible", default: .none, kind: .bool), ParameterSpec("axis", default: "both", kind: .string),
            ParameterSpec("color", default: .none, keywordOnly: true), ParameterSpec("linestyle", default: .none, keywordOnly: true),
            ParameterSpec("linewidth", default: .none, kind: .number, keywordOnly: true),
            ParameterSpec("alpha", default: .none, kind: .number, keywordOnly: true),
        ]) { args, axes, _ in
            try PlotArguments.grid(args, on: axes); return .none
        },
        AxesCommand(method: "set_xscale", pyplotName: "xscale", parameters: [ParameterSpec("value", kind: .string)]) { args, axes, _ in
            axes.xLogarithmic = try PlotArguments.isLogarithmic(args); return .none
        },
        AxesCommand(method: "set_yscale", pyplotName: "yscale", parameters: [ParameterSpec("value", kind: .string)]) { args, axes, _ in
            axes.yLogarithmic = try PlotArguments.isLogarithmic(args); return .none
        },
        AxesCommand(method: "set", pyplotName: nil, parameters: [
            "title", "xlabel", "ylabel", "xlim", "ylim", "xscale", "yscale",
        ].map { ParameterSpec($0, default: .none, keywordOnly: true) }) { args, axes, interpreter in
            try PlotArguments.setProperties(args, on: axes, interpreter: interpreter); return .none
        },
        AxesCommand(method: "set_axis_off", pyplotName: nil, parameters: []) { _, axes, _ in
            axes.showsAxis = false; return .none
        },
        AxesCommand(method: "set_axis_on", pyplotName: nil, parameters: []) { _, axes, _ in
            axes.showsAxis = true; return .none
        },
        AxesCommand(method: "cla", pyplotName: "cla", parameters: []) { _, axes, _ in
            axes.clear(); return .none
        },
    ]
}
