import Foundation
import TLPlot
import TLScript

extension Session {
    func registerPlotCommands() {
        register(CommandSpec(name: "plot", parameters: [
            ParameterSpec("x"), ParameterSpec("y", default: .none), ParameterSpec("fmt", default: .none), ParameterSpec("label", default: .none),
        ], aliases: ["plt.plot", "pyplot.plot"]) { args, _ in
            // matplotlib's plot(y), plot(y, fmt), plot(x, y) and plot(x, y, fmt).
            var x: [Double]? = try args.doubles("x")
            var y: [Double]
            var fmt = try args.optionalString("fmt") ?? ""
            switch args["y"] {
            case .none: y = x!; x = nil
            case .string(let style): y = x!; x = nil; fmt = style
            default: y = try args.doubles("y")
            }
            if let xs = x, xs.count != y.count {
                throw ScriptError(.value, "plot(): x and y must have the same length, got \(xs.count) and \(y.count)")
            }
            try self.plots.plot(x: x, y: y, style: fmt, label: try args.optionalString("label"))
            return .none
        })
        register(CommandSpec(name: "title", parameters: [ParameterSpec("text", kind: .string)], aliases: ["plt.title"]) { args, _ in
            self.plots.title(try args.string("text")); return .none
        })
        register(CommandSpec(name: "xlabel", parameters: [ParameterSpec("text", kind: .string)], aliases: ["plt.xlabel"]) { args, _ in
            self.plots.xlabel(try args.string("text")); return .none
        })
        register(CommandSpec(name: "ylabel", parameters: [ParameterSpec("text", kind: .string)], aliases: ["plt.ylabel"]) { args, _ in
            self.plots.ylabel(try args.string("text")); return .none
        })
        register(CommandSpec(name: "legend", aliases: ["plt.legend"]) { _, _ in
            self.plots.legend(); return .none
        })
        register(CommandSpec(name: "figure", acceptsExtraKeywords: true, aliases: ["plt.figure"]) { _, _ in
            self.plots.figure(); return .none
        })
        register(CommandSpec(name: "show", aliases: ["plt.show"]) { _, interpreter in
            do {
                for path in try self.plots.show(directory: self.outputDirectory) { self.announce(path, interpreter) }
            } catch let error as PlotError {
                // A missing gnuplot must not end a long run: say so and go on without the plot.
                interpreter.write("warning: \(error.description); the run goes on without this plot\n")
                self.plots.closeAll()
            }
            return .none
        })
        register(CommandSpec(name: "savefig", parameters: [ParameterSpec("path", kind: .string)], aliases: ["plt.savefig"]) { args, interpreter in
            let path = self.outputPath(try args.string("path"))
            do {
                try self.plots.savefig(path)
                self.announce(path, interpreter)
            } catch let error as PlotError {
                interpreter.write("warning: \(error.description); the run goes on without this plot\n")
            }
            return .none
        })
        register(CommandSpec(name: "plot_history", parameters: [
            ParameterSpec("history", kind: .object), ParameterSpec("metric", default: "acc", kind: .string),
            ParameterSpec("smooth", default: .none), ParameterSpec("output", default: .none),
        ]) { args, interpreter in
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
            try self.plots.plotHistoryPair(training: smooth(training), validation: smooth(validation), metric: metric,
                                           smoothed: factor != nil)
            do {
                if let output = try args.optionalString("output") {
                    let path = self.outputPath(output)
                    try self.plots.savefig(path)
                    self.plots.closeAll()
                    self.announce(path, interpreter)
                } else {
                    for path in try self.plots.show(directory: self.outputDirectory) { self.announce(path, interpreter) }
                }
            } catch let error as PlotError {
                interpreter.write("warning: \(error.description); the run goes on without this plot\n")
                self.plots.closeAll()
            }
            return .none
        })
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
