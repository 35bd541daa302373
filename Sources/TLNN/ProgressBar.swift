import Foundation

/// How `fit` reports progress. `verbose` 0 is silent, 1 a progress bar (redrawn in place when
/// `interactive`), 2 one line per epoch.
public struct ProgressOptions {
    public var verbose: Int
    public var interactive: Bool
    public var write: (String) -> Void
    public var shouldStop: () -> Bool

    public init(verbose: Int = 1, interactive: Bool = false, write: @escaping (String) -> Void = { print($0, terminator: "") },
                shouldStop: @escaping () -> Bool = { false }) {
        self.verbose = verbose
        self.interactive = interactive
        self.write = write
        self.shouldStop = shouldStop
    }

    public static let silent = ProgressOptions(verbose: 0)
}

/// Keras 2's progress bar: `37/100 [==========>...................] - ETA: 5s - loss: 0.6021 - acc: 0.6750`.
public final class ProgressBar {
    let steps: Int
    let options: ProgressOptions
    private var lastDraw = Date.distantPast

    public init(steps: Int, options: ProgressOptions) {
        self.steps = steps
        self.options = options
    }

    private func bar(_ step: Int) -> String {
        let width = 30
        let filled = steps > 0 ? width * step / steps : width
        var s = String(repeating: "=", count: max(0, filled - (step < steps ? 1 : 0)))
        if step < steps { s += ">" }
        s += String(repeating: ".", count: max(0, width - s.count))
        let digits = String(steps).count
        let count = String(repeating: " ", count: max(0, digits - String(step).count)) + "\(step)/\(steps)"
        return "\(count) [\(s)]"
    }

    private static func format(_ metrics: [(String, Double)]) -> String {
        metrics.map { " - \($0.0): \(String(format: "%.4f", $0.1))" }.joined()
    }

    public func update(step: Int, elapsed: TimeInterval, metrics: [(String, Double)]) {
        guard options.verbose == 1, options.interactive, step > 0, step < steps else { return }
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.1 else { return }
        lastDraw = now
        let eta = elapsed / Double(step) * Double(steps - step)
        options.write("\r\(bar(step)) - ETA: \(Int(eta.rounded()))s\(Self.format(metrics))\u{1B}[K")
    }

    public func finish(elapsed: TimeInterval, metrics: [(String, Double)]) {
        guard options.verbose > 0 else { return }
        let perStep = elapsed / Double(max(steps, 1))
        let timing = perStep >= 1 ? "\(String(format: "%.0f", perStep))s/step" : "\(Int((perStep * 1000).rounded()))ms/step"
        let prefix = options.verbose == 1 ? "\(options.interactive ? "\r" : "")\(bar(steps)) - " : "\(steps)/\(steps) - "
        options.write("\(prefix)\(Int(elapsed.rounded()))s \(timing)\(Self.format(metrics))\(options.interactive ? "\u{1B}[K" : "")\n")
    }

    public func abandon() {
        if options.verbose == 1 && options.interactive { options.write("\n") }
    }
}

/// `evaluate` and `predict` progress as Keras shows it: nothing with `verbose=0`; with 1 a bar (redrawn on a
/// terminal) ending `50/50 [==============================] - 3s 52ms/step - loss: 0.2500 - acc: 0.9000`;
/// with 2 only that last line's figures (`50/50 - 3s 52ms/step - loss: ...`).
public final class InferenceProgress {
    let options: ProgressOptions
    private let start = Date()
    private var bar: ProgressBar?
    private var total = 1

    public init(verbose: Int, interactive: Bool, write: @escaping (String) -> Void) {
        options = ProgressOptions(verbose: verbose, interactive: interactive, write: write)
    }

    /// After each batch: `done` of `total`.
    public func update(done: Int, total: Int) {
        self.total = max(total, 1)
        if bar == nil { bar = ProgressBar(steps: self.total, options: options) }
        bar!.update(step: done, elapsed: Date().timeIntervalSince(start), metrics: [])
    }

    /// The closing line with the results.
    public func finish(_ metrics: [(String, Double)]) {
        let elapsed = Date().timeIntervalSince(start)
        guard options.verbose > 0 else { return }
        (bar ?? ProgressBar(steps: total, options: options)).finish(elapsed: elapsed, metrics: metrics)
    }
}
