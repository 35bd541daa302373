import Foundation
import TLFileSystem

/// The notebook of a run: every top-level statement with what it printed, the images commands saved,
/// and the training metrics, written as `report.md` and `metrics.json` in one directory.
///
/// Both files are rewritten (atomically) after every statement, so a run that fails or is interrupted
/// still leaves a report of everything up to that point.
public final class ReportRecorder {
    /// One recorded statement.
    public struct Entry {
        public var source: String
        public var output: String
        public var images: [String]
    }

    public let directory: URL
    public private(set) var entries: [Entry] = []
    public private(set) var histories: [[(name: String, values: [Double])]] = []
    public private(set) var evaluations: [[(name: String, value: Double)]] = []
    /// The title of report.md, usually the script's name.
    public var title: String
    /// The last error met while writing, reported once by the host if it cares.
    public private(set) var writeError: Error?
    private var recording = false

    /// Creates `directory` if needed.
    public init(directory: String, title: String = "tl run") throws {
        self.directory = URL(fileURLWithPath: directory, isDirectory: true)
        self.title = title
        do {
            try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        } catch {
            throw ScriptError(.runtime, "cannot create report directory '\(directory)': \(Interpreter.describe(error))")
        }
    }

    /// Where a command should write an output file: relative paths go into the report directory.
    public func resolveOutputPath(_ path: String) -> String {
        path.hasPrefix("/") ? path : directory.appendingPathComponent(path).path
    }

    // MARK: Recording (called by the interpreter)

    func beginStatement(_ source: String) {
        entries.append(Entry(source: source, output: "", images: []))
        recording = true
    }

    func appendOutput(_ text: String) {
        guard recording, !entries.isEmpty else { return }
        entries[entries.count - 1].output += text
    }

    func endStatement() {
        recording = false
        write()
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
        if entries.isEmpty { entries.append(Entry(source: "", output: "", images: [])) }
        entries[entries.count - 1].images.append(name)
    }

    /// Records a training history (`history.history`); keys are written loss, acc, val_loss, val_acc first.
    public func addHistory(_ history: [String: [Double]]) {
        histories.append(ReportRecorder.ordered(history).map { ($0.key, $0.value) })
    }

    /// Records an evaluation result such as `{"loss": 0.3, "acc": 0.9}`.
    public func addEvaluation(_ evaluation: [String: Double]) {
        evaluations.append(ReportRecorder.ordered(evaluation).map { ($0.key, $0.value) })
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

    /// Writes report.md and metrics.json atomically (temporary name, fsync, rename).
    public func write() {
        do {
            try writeAtomically(Data(markdown.utf8), to: directory.appendingPathComponent("report.md").path)
            try writeAtomically(Data(metricsJSON.utf8), to: directory.appendingPathComponent("metrics.json").path)
        } catch {
            writeError = error
        }
    }

    /// The report as markdown.
    /// Consecutive statements that printed nothing share one code block, as a notebook cell would.
    public var markdown: String {
        var text = "# \(title)\n"
        var statements: [String] = []
        func flushStatements() {
            guard !statements.isEmpty else { return }
            text += "\n```python\n\(statements.joined(separator: "\n"))\n```\n"
            statements = []
        }
        for entry in entries {
            if !entry.source.isEmpty { statements.append(entry.source) }
            let output = ReportRecorder.finalText(of: entry.output)
            if output.isEmpty && entry.images.isEmpty { continue }
            flushStatements()
            if !output.isEmpty { text += "\n```\n\(output)\n```\n" }
            for image in entry.images { text += "\n![](\(image))\n" }
        }
        flushStatements()
        return text
    }

    /// `{"histories": [...], "evaluations": [...]}`, keys in recording order.
    public var metricsJSON: String {
        let histories = histories.map { history in
            "{" + history.map { "\(jsonString($0.name)): [" + $0.values.map(jsonNumber).joined(separator: ", ") + "]" }
                .joined(separator: ", ") + "}"
        }
        let evaluations = evaluations.map { evaluation in
            "{" + evaluation.map { "\(jsonString($0.name)): \(jsonNumber($0.value))" }.joined(separator: ", ") + "}"
        }
        return "{\"histories\": [" + histories.joined(separator: ", ") + "], \"evaluations\": ["
            + evaluations.joined(separator: ", ") + "]}\n"
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
