import Foundation
import TLPlot
import TLScript

extension Session {
    /// matplotlib's pyplot: `plt.NAME` draws into the current figure's current axes (the axes commands,
    /// shared with `ax.NAME`), plus the figure-level calls and the walkthrough's `plot_history`.
    func registerPlotCommands() {
        for command in AxesCommand.all {
            guard let pyplotName = command.pyplotName else { continue }
            register(command.spec(name: pyplotName, aliases: Self.pyplotAliases(pyplotName)) { [plots] in
                plots.current.currentAxes
            })
        }
        registerFigureCommands()
        registerDrawingCommands()
        registerHistoryPlotCommand()
        registerUnsupportedPyplotCalls()
    }

    /// `plt.NAME` and `pyplot.NAME` (`import matplotlib.pyplot as plt`).
    static func pyplotAliases(_ name: String) -> [String] { ["plt.\(name)", "pyplot.\(name)"] }

    private func registerFigureCommands() {
        command("figure", parameters: [
            ParameterSpec("num", default: .none), ParameterSpec("figsize", default: .none), ParameterSpec("dpi", default: .none),
        ], aliases: Self.pyplotAliases("figure")) { session, args, _ in
            let make = { try PlotArguments.figure(args, figsize: "figsize", dpi: "dpi") }
            switch args["num"] {
            case .none: return .object(FigureObject(session.plots.open(try make()), session: session))
            case .object(let object as FigureObject):
                session.plots.makeCurrent(object.figure)
                return .object(object)
            default:
                let number = try args.int("num")
                return .object(FigureObject(try session.plots.figure(number: number, make: make).figure, session: session))
            }
        }
        command("subplot", parameters: [], acceptsExtraPositional: true,
                aliases: Self.pyplotAliases("subplot")) { session, args, _ in
            let (rows, columns, index) = try PlotArguments.subplotGrid(args.extraPositional, command: "subplot")
            return .object(AxesObject(try session.plots.subplot(rows: rows, columns: columns, index: index)))
        }
        command("subplots", parameters: [
            ParameterSpec("nrows", default: 1, kind: .int), ParameterSpec("ncols", default: 1, kind: .int),
            ParameterSpec("figsize", default: .none, keywordOnly: true), ParameterSpec("dpi", default: .none, keywordOnly: true),
            ParameterSpec("squeeze", default: true, kind: .bool, keywordOnly: true),
        ], aliases: Self.pyplotAliases("subplots")) { session, args, _ in
            let rows = try args.int("nrows"), columns = try args.int("ncols")
            let figure = try PlotArguments.figure(args, figsize: "figsize", dpi: "dpi")
            let grid = try session.plots.subplots(rows: rows, columns: columns, figure: figure)
            let axes = AxesGridObject.value(grid, squeeze: try args.bool("squeeze"))
            return .tuple([.object(FigureObject(figure, session: session)), axes])
        }
        command("gcf", aliases: Self.pyplotAliases("gcf")) { session, _, _ in
            .object(FigureObject(session.plots.current, session: session))
        }
        command("gca", aliases: Self.pyplotAliases("gca")) { session, _, _ in
            .object(AxesObject(session.plots.current.currentAxes))
        }
        command("suptitle", parameters: PlotArguments.suptitleParameters,
                aliases: Self.pyplotAliases("suptitle")) { session, args, _ in
            try PlotArguments.suptitle(args, on: session.plots.current); return .none
        }
        command("tight_layout", aliases: Self.pyplotAliases("tight_layout")) { _, _, _ in
            .none   // every subplot already gets its own cell with room for its labels
        }
        command("clf", aliases: Self.pyplotAliases("clf")) { session, _, _ in
            session.plots.current.clear(); return .none
        }
        command("close", parameters: [ParameterSpec("fig", default: .none)],
                aliases: Self.pyplotAliases("close")) { session, args, _ in
            try session.closeFigure(args); return .none
        }
    }

    /// `plt.close()`, `plt.close('all')`, `plt.close(2)`, `plt.close(fig)`.
    private func closeFigure(_ args: CallArguments) throws {
        switch args["fig"] {
        case .none: plots.closeCurrent()
        case .string("all"): plots.closeAll()
        case .object(let object as FigureObject): plots.close(object.figure)
        case .int(let number): plots.close(number: number)
        default: throw args.typeError("fig", expected: "'all', a figure number or a figure")
        }
    }

    private func registerDrawingCommands() {
        command("show", aliases: Self.pyplotAliases("show")) { session, _, interpreter in
            do {
                for path in try session.plots.show(directory: session.outputDirectory) { session.announce(path, interpreter) }
            } catch let error as PlotError {
                // A missing gnuplot must not end a long run: say so and go on without the plot.
                interpreter.write("warning: \(error.description); the run goes on without this plot\n")
                session.plots.closeAll()
            }
            return .none
        }
        command("savefig", parameters: FigureObject.savefigParameters,
                aliases: Self.pyplotAliases("savefig")) { session, args, interpreter in
            try session.savefig(session.plots.current, args, interpreter)
        }
    }

    /// Draws `figure` into `fname` at `dpi=`; like `show`, a missing gnuplot is a warning.
    func savefig(_ figure: Figure, _ args: CallArguments, _ interpreter: Interpreter) throws -> Value {
        let path = outputPath(try pngPath(args.string("fname")))
        let dpi = try args.optional("dpi", CallArguments.double)
        if let dpi, !(dpi > 0) { throw ScriptError(.value, "savefig(): dpi must be positive, got \(dpi)") }
        if let bbox = try args.optionalString("bbox_inches"), bbox != "tight" {
            throw ScriptError(.value, "savefig(): bbox_inches must be 'tight' or None, got '\(bbox)'")
        }
        do {
            try figure.render(to: path, gnuplot: plots.gnuplot, dpi: dpi)
            announce(path, interpreter)
        } catch let error as PlotError {
            if case .nothingToPlot = error { throw ScriptError(.value, "savefig(): \(error.description)") }
            interpreter.write("warning: \(error.description); the run goes on without this plot\n")
        }
        return .none
    }

    /// matplotlib picks the format from the extension; tl writes PNG: `NAME` becomes `NAME.png`.
    private func pngPath(_ name: String) throws -> String {
        let suffix = (name as NSString).pathExtension
        if suffix.isEmpty { return name + ".png" }
        guard suffix.lowercased() == "png" else {
            throw ScriptError(.value, "savefig(): tl saves figures as PNG only, not '.\(suffix)': name the file \((name as NSString).deletingPathExtension).png")
        }
        return name
    }

    private func registerHistoryPlotCommand() {
        command("plot_history", parameters: [
            ParameterSpec("history", kind: .object), ParameterSpec("metric", default: "acc", kind: .string),
            ParameterSpec("smooth", default: .none), ParameterSpec("output", default: .none),
        ]) { session, args, interpreter in
            guard case .object(let object as HistoryObject) = args["history"] else {
                throw args.typeError("history", expected: "the History returned by fit()")
            }
            let metric = try args.string("metric")
            guard let training = object.history[metric] else {
                let hint = metric == "loss" ? "" : "; compile with metrics=[\"\(metric)\"] to record it"
                throw ScriptError(.value, "plot_history(): the history has no '\(metric)' (it has \(object.history.keys.joined(separator: ", ")))\(hint)")
            }
            // Without validation_data in fit, only the training curve is drawn.
            let validation = object.history["val_" + metric] ?? []
            var factor: Double?
            if !args["smooth"].isNone {
                factor = try args.double("smooth")
                guard factor! >= 0 && factor! < 1 else { throw ScriptError(.value, "plot_history(): smooth must be in [0, 1), got \(factor!)") }
            }
            let smooth = { (points: [Double]) in factor.map { smoothCurve(points, factor: $0) } ?? points }
            try session.plots.plotHistoryPair(training: smooth(training), validation: smooth(validation), metric: metric,
                                              smoothed: factor != nil)
            do {
                if let output = try args.optionalString("output") {
                    let path = session.outputPath(output)
                    try session.plots.savefig(path)
                    session.plots.closeAll()
                    session.announce(path, interpreter)
                } else {
                    for path in try session.plots.show(directory: session.outputDirectory) { session.announce(path, interpreter) }
                }
            } catch let error as PlotError {
                interpreter.write("warning: \(error.description); the run goes on without this plot\n")
                session.plots.closeAll()
            }
            return .none
        }
    }

    /// matplotlib calls tl does not draw: each says so by name instead of "not defined".
    private func registerUnsupportedPyplotCalls() {
        for name in PlotArguments.unsupportedPyplotCalls {
            command("plt.\(name)", acceptsExtraPositional: true, acceptsExtraKeywords: true,
                    doc: "matplotlib's \(name) is not supported by tl.", aliases: ["pyplot.\(name)"]) { _, _, _ in
                throw ScriptError(.notImplemented, "plt.\(name)() is not supported by tl: its plots are drawn with "
                    + "plot, scatter, hist and imshow (see \"matplotlib in tl\" in docs/LANGUAGE.md)")
            }
        }
    }

    func announce(_ path: String, _ interpreter: Interpreter) {
        interpreter.write("saved plot to \(path)\n")
        interpreter.report?.addImage(path)
        imageObserver?(path)
    }
}

/// The walkthrough's exponential moving average: the first point kept, then `prev * f + p * (1 - f)`.
func smoothCurve(_ points: [Double], factor: Double) -> [Double] {
    var out: [Double] = []
    for p in points { out.append(out.last.map { $0 * factor + p * (1 - factor) } ?? p) }
    return out
}
