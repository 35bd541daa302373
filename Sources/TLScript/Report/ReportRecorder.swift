import Foundation
import TLFileSystem

/// The notebook of a run: every top-level statement with what it printed, the images commands saved,
/// and the training metrics, written as `report.md`, `report.html` and `metrics.json` in one directory.
///
/// The files are rewritten (atomically) after every statement, so a run that fails or is interrupted
/// still leaves a report of everything up to that point; the host then calls `recordFailure` or
/// `recordInterruption` so the report says how the run ended.
///
/// The folder belongs to the run: a hidden manifest (`.tl-report-manifest`) lists the files the run
/// wrote there (its reports, the figures it linked and their gnuplot `.dat`/`.gp` files), and a new run
/// into the same folder first removes exactly those files, so no figure of an earlier run survives
/// under a name this run uses, and files the runs did not write are never touched.
///
/// Thread-safe: a second Ctrl-C writes the report from the signal queue while the script runs.
public final class ReportRecorder {
    /// One recorded statement.
    public struct Entry {
        public var source: String
        public var output: String
        public var images: [String]
    }

    /// How the run ended, when it did not simply finish.
    public enum Ending {
        /// An error stopped it: the error's text (with its traceback) and where it happened.
        case error(message: String, location: String?)
        /// Ctrl-C stopped it.
        case interrupted
    }

    public let directory: URL
    private let lock = NSRecursiveLock()
    private var recordedEntries: [Entry] = []
    private var recordedHistories: [[(name: String, values: [Double])]] = []
    private var recordedEvaluations: [[(name: String, value: Double)]] = []
    private var recordedEnding: Ending?
    private var titleText: String
    private var manifest: ReportManifest
    private var lastWriteError: Error?
    private var recording = false

    public var entries: [Entry] { lock.withLock { recordedEntries } }
    public var histories: [[(name: String, values: [Double])]] { lock.withLock { recordedHistories } }
    public var evaluations: [[(name: String, value: Double)]] { lock.withLock { recordedEvaluations } }
    public var ending: Ending? { lock.withLock { recordedEnding } }
    /// The title of report.md, usually the script's name.
    public var title: String {
        get { lock.withLock { titleText } }
        set { lock.withLock { titleText = newValue } }
    }
    /// The last error met while writing, reported once by the host if it cares.
    public var writeError: Error? { lock.withLock { lastWriteError } }

    /// Creates `directory` if needed, and removes the files an earlier run recorded in it.
    public init(directory: String, title: String = "tl run") throws {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        self.titleText = title
        do {
            try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        } catch {
            throw ScriptError(.runtime, "cannot create report directory '\(directory)': \(Interpreter.describe(error))")
        }
        manifest = ReportManifest(directory: self.directory)
        manifest.removeFilesOfThePreviousRun()
    }

    /// Where a command should write an output file: relative paths go into the report directory.
    public func resolveOutputPath(_ path: String) -> String {
        path.hasPrefix("/") ? path : directory.appendingPathComponent(path).path
    }

    // MARK: Recording (called by the interpreter)

    /// Starts recording a statement; one that shares its source line with the previous one
    /// (`continuingPrevious`) adds its output to that entry instead of quoting the line again.
    func beginStatement(_ source: String, continuingPrevious: Bool = false) {
        lock.withLock {
            if !(continuingPrevious && !recordedEntries.isEmpty) {
                recordedEntries.append(Entry(source: source, output: "", images: []))
            }
            recording = true
        }
    }

    func appendOutput(_ text: String) {
        lock.withLock {
            guard recording, !recordedEntries.isEmpty else { return }
            recordedEntries[recordedEntries.count - 1].output += text
        }
    }

    func endStatement() {
        lock.withLock { recording = false }
        write()
    }

    /// Records that an error stopped the run (a syntax error before anything ran, or a runtime error),
    /// with the error's full text and its `file:line:col`.
    public func recordFailure(_ error: ScriptError) {
        let location = error.location.map { "\(error.fileName ?? "<input>"):\($0.line):\($0.column)" }
        lock.withLock { recordedEnding = .error(message: error.rendered, location: location) }
    }

    /// Records an error that is not a ScriptError (a host failure).
    public func recordFailure(message: String) {
        lock.withLock { recordedEnding = .error(message: message, location: nil) }
    }

    /// Records that Ctrl-C stopped the run.
    public func recordInterruption() {
        lock.withLock { recordedEnding = .interrupted }
    }

    // MARK: Artifacts (called by commands)

    /// Links an image into the report; files outside the report directory are copied in.
    public func addImage(_ path: String) {
        let url = URL(fileURLWithPath: path)
        var name = url.lastPathComponent
        if url.deletingLastPathComponent().standardizedFileURL.path != directory.standardizedFileURL.path {
            let destination = directory.appendingPathComponent(name)
            let copied: ()? = try? writeAtomically(to: destination.path) { temporary in
                try FileManager.default.copyItem(at: url, to: URL(fileURLWithPath: temporary))
            }
            if copied == nil { name = path }
        }
        lock.withLock {
            if !name.contains("/") { manifest.recordFigure(named: name) }
            if recordedEntries.isEmpty { recordedEntries.append(Entry(source: "", output: "", images: [])) }
            recordedEntries[recordedEntries.count - 1].images.append(name)
        }
    }

    /// Records a training history (`history.history`); keys are written loss, acc, val_loss, val_acc first.
    public func addHistory(_ history: [String: [Double]]) {
        let ordered = ReportRecorder.ordered(history).map { (name: $0.key, values: $0.value) }
        lock.withLock { recordedHistories.append(ordered) }
    }

    /// Records an evaluation result such as `{"loss": 0.3, "acc": 0.9}`.
    public func addEvaluation(_ evaluation: [String: Double]) {
        let ordered = ReportRecorder.ordered(evaluation).map { (name: $0.key, value: $0.value) }
        lock.withLock { recordedEvaluations.append(ordered) }
    }

    private static let preferredOrder = ["loss", "acc", "accuracy", "val_loss", "val_acc", "val_accuracy"]

    private static func ordered<T>(_ dict: [String: T]) -> [(key: String, value: T)] {
        dict.sorted { a, b in
            let i = preferredOrder.firstIndex(of: a.key) ?? preferredOrder.count
            let j = preferredOrder.firstIndex(of: b.key) ?? preferredOrder.count
            return i != j ? i < j : a.key < b.key
        }
    }

    // MARK: Writing

    /// Writes report.md, report.html, metrics.json and the manifest atomically (temporary name, fsync,
    /// rename); the manifest first lists the reports, so a run killed between two writes still owns them.
    public func write() {
        lock.withLock {
            do {
                for name in ReportRecorder.reportFileNames { manifest.recordReport(named: name) }
                try manifest.write()
                try writeAtomically(Data(markdown.utf8), to: directory.appendingPathComponent("report.md").path)
                try writeAtomically(Data(html.utf8), to: directory.appendingPathComponent("report.html").path)
                try writeAtomically(Data(metricsJSON.utf8), to: directory.appendingPathComponent("metrics.json").path)
            } catch {
                lastWriteError = error
            }
        }
    }

    /// How the run ended, in words, for the last section of the reports; nil when it simply finished.
    /// `details` is the error's text when no statement's output shows it already.
    var endingSummary: (heading: String, sentence: String, details: String?)? {
        switch ending {
        case .error(let message, let location)?:
            let place = location.map { " at `\($0)`" } ?? ""
            if entries.isEmpty {
                return ("The script did not run", "It has an error\(place), found before any statement ran.", message)
            }
            if errorIsShownInTheLastStatement(message) {
                return ("The run stopped with an error", "It stopped\(place), with the error shown above; the statements after it did not run.", nil)
            }
            return ("The run stopped with an error", "It stopped\(place); the statements after it did not run.", message)
        case .interrupted?:
            return ("The run was interrupted", "Ctrl-C stopped it here; this report holds what finished before.", nil)
        case nil:
            return nil
        }
    }

    /// Whether the failing statement's own output already holds the error (runtime errors do; a syntax
    /// error stops the run before any statement, so the ending section shows it).
    func errorIsShownInTheLastStatement(_ message: String) -> Bool {
        entries.last.map { ReportRecorder.finalText(of: $0.output).contains(message) } ?? false
    }

    static let reportFileNames = ["report.md", "report.html", "metrics.json"]

    /// The report as markdown.
    /// Consecutive statements that printed nothing share one code block, as a notebook cell would.
    public var markdown: String {
        var text = "# \(title)\n"
        for block in ReportBlock.blocks(of: entries) {
            switch block {
            case .code(let source): text += "\n```python\n\(source)\n```\n"
            case .output(let output): text += "\n```\n\(output)\n```\n"
            case .image(let name): text += "\n![](\(name))\n"
            }
        }
        if let summary = endingSummary {
            text += "\n## \(summary.heading)\n\n\(summary.sentence)\n"
            if let details = summary.details { text += "\n```\n\(details)\n```\n" }
        }
        return text
    }

    /// `{"histories": [...], "evaluations": [...]}`, keys in recording order; a run that did not finish
    /// adds `"status": "error"` (with `"error"`) or `"status": "interrupted"`.
    public var metricsJSON: String {
        let histories = histories.map { history in
            "{" + history.map { "\(jsonString($0.name)): [" + $0.values.map(jsonNumber).joined(separator: ", ") + "]" }
                .joined(separator: ", ") + "}"
        }
        let evaluations = evaluations.map { evaluation in
            "{" + evaluation.map { "\(jsonString($0.name)): \(jsonNumber($0.value))" }.joined(separator: ", ") + "}"
        }
        var status = ""
        switch ending {
        case .error(let message, _)?: status = ", \"status\": \"error\", \"error\": \(jsonString(message))"
        case .interrupted?: status = ", \"status\": \"interrupted\""
        case nil: break
        }
        return "{\"histories\": [" + histories.joined(separator: ", ") + "], \"evaluations\": ["
            + evaluations.joined(separator: ", ") + "]" + status + "}\n"
    }

    /// Output as a terminal would show it: text before a carriage return is overwritten (progress bars).
    static func finalText(of output: String) -> String {
        var lines = output.components(separatedBy: "\n").map { line -> String in
            guard let lastReturn = line.lastIndex(of: "\r") else { return line }
            return String(line[line.index(after: lastReturn)...])
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n")
    }
}

private func jsonNumber(_ value: Double) -> String {
    value.isFinite ? formatFloat(value) : "null"
}

private func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default:
            if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
        }
    }
    return out + "\""
}
