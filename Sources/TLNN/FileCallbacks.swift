import Foundation
import TLTensor

/// Keras's `ModelCheckpoint`: saves the model (or only its weights) after every epoch, or only when
/// `monitor` improved (`saveBestOnly`). The path is a Python format string over `epoch` (1-based) and the
/// logs: `"weights.{epoch:02d}-{val_loss:.2f}.h5"`. Writing the file is the caller's (`save`), so this
/// layer needs no file format.
public final class ModelCheckpoint: TrainingCallback {
    public let filepath: String
    public let rule: MonitorRule
    public let saveBestOnly: Bool
    public let saveWeightsOnly: Bool
    public let verbose: Int
    /// Writes the model (or its weights only) to a path.
    public let save: (_ model: any Model, _ path: String, _ weightsOnly: Bool) throws -> Void
    public private(set) var best: Double?

    public init(filepath: String, rule: MonitorRule, saveBestOnly: Bool = false, saveWeightsOnly: Bool = false,
                verbose: Int = 0, save: @escaping (_ model: any Model, _ path: String, _ weightsOnly: Bool) throws -> Void) {
        self.filepath = filepath
        self.rule = rule
        self.saveBestOnly = saveBestOnly
        self.saveWeightsOnly = saveWeightsOnly
        self.verbose = verbose
        self.save = save
    }

    public func epochDidEnd(_ epoch: Int, logs: inout EpochLogs, _ training: TrainingContext) throws {
        let path = try PathTemplate.fill(filepath, epoch: epoch + 1, logs: logs)
        guard shouldSave(epoch, logs: logs, path: path, training) else { return }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty && !FileManager.default.fileExists(atPath: folder) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        try save(training.model, path, saveWeightsOnly)
    }

    private func shouldSave(_ epoch: Int, logs: EpochLogs, path: String, _ training: TrainingContext) -> Bool {
        guard saveBestOnly else {
            if verbose > 0 { training.write("Epoch \(epoch + 1): saving model to \(path)\n") }
            return true
        }
        guard let current = logs[rule.monitor] else {
            training.write("warning: ModelCheckpoint can save the best model only with '\(rule.monitor)' available; saving anyway\n")
            return true
        }
        let bestText = best.map { String(format: "%.5f", $0) } ?? "None"
        guard rule.isImprovement(current, over: best) else {
            if verbose > 0 { training.write("Epoch \(epoch + 1): \(rule.monitor) did not improve from \(bestText)\n") }
            return false
        }
        if verbose > 0 {
            training.write("Epoch \(epoch + 1): \(rule.monitor) improved from \(bestText) to \(String(format: "%.5f", current)), saving model to \(path)\n")
        }
        best = current
        return true
    }
}

/// Keras's `CSVLogger`: one row per epoch, `epoch` (0-based) then the logs' keys sorted, written as
/// Python's `csv` module writes them (`\r\n` line ends, floats as Python prints them). Without validation,
/// `val_` columns are still written, as Keras does, holding `NA`.
public final class CSVLogger: TrainingCallback {
    public let path: String
    public let separator: String
    public let append: Bool
    private var file: FileHandle?
    private var columns: [String]?
    private var writesHeader = true

    public init(path: String, separator: String = ",", append: Bool = false) {
        self.path = path
        self.separator = separator
        self.append = append
    }

    public func trainingWillBegin(_ training: TrainingContext) throws {
        let manager = FileManager.default
        writesHeader = true
        if append, manager.fileExists(atPath: path), let existing = manager.contents(atPath: path) {
            writesHeader = existing.isEmpty
        } else if !manager.createFile(atPath: path, contents: nil) {
            throw ModelError("CSVLogger cannot write \(path): check that its folder exists and is writable")
        }
        guard let handle = FileHandle(forWritingAtPath: path) else {
            throw ModelError("CSVLogger cannot open \(path) for writing")
        }
        handle.seekToEndOfFile()
        file = handle
        columns = nil
    }

    public func epochDidEnd(_ epoch: Int, logs: inout EpochLogs, _ training: TrainingContext) throws {
        if columns == nil {
            var keys = logs.keys.sorted()
            if !keys.contains(where: { $0.hasPrefix("val_") }) && !keys.isEmpty { keys += keys.map { "val_" + $0 } }
            columns = keys
            if writesHeader { write((["epoch"] + keys).joined(separator: separator)) }
        }
        let cells = columns!.map { key in logs[key].map(CSVLogger.pythonFloat) ?? "NA" }
        write(([String(epoch)] + cells).joined(separator: separator))
    }

    public func trainingDidEnd(_ training: TrainingContext) throws {
        try file?.close()
        file = nil
    }

    private func write(_ row: String) {
        file?.write(Data((row + "\r\n").utf8))
    }

    /// A logged value as Keras 3 writes it: a float32 result widened to a Python float, printed as Python's
    /// `str(float)` (the shortest text that reads back the same).
    static func pythonFloat(_ value: Double) -> String {
        let widened = Double(Float(value))
        if widened.isNaN { return "nan" }
        if widened.isInfinite { return widened < 0 ? "-inf" : "inf" }
        return PathTemplate.pythonRepr(widened)
    }
}

/// Python's `str.format` for the fields Keras's checkpoint paths use: `{epoch}`, `{epoch:02d}`,
/// `{val_loss:.2f}`, `{acc:.4e}`, `{loss:g}`.
public enum PathTemplate {
    public static func fill(_ template: String, epoch: Int, logs: EpochLogs) throws -> String {
        var output = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            output += rest[..<open]
            let next = rest.index(after: open)
            if next < rest.endIndex && rest[next] == rest[open] {   // "{{" or "}}"
                output.append(rest[open])
                rest = rest[rest.index(after: next)...]
                continue
            }
            guard rest[open] == "{", let close = rest[next...].firstIndex(of: "}") else {
                throw ModelError("ModelCheckpoint: unbalanced braces in the file path \"\(template)\"")
            }
            let field = rest[next..<close]
            let name = String(field.prefix { $0 != ":" })
            let spec = field.contains(":") ? String(field.drop { $0 != ":" }.dropFirst()) : ""
            if name == "epoch" {
                output += try format(.integer(epoch), spec: spec, template: template)
            } else if let value = logs[name] {
                output += try format(.real(Double(Float(value))), spec: spec, template: template)
            } else {
                throw ModelError("ModelCheckpoint: failed to format the file path \"\(template)\": no value '\(name)' in the logs (\(logs.keys.joined(separator: ", ")))")
            }
            rest = rest[rest.index(after: close)...]
        }
        return output + rest
    }

    enum Number { case integer(Int), real(Double) }

    /// `[0][width][.precision][type]` with type `d`, `f`, `e`, `g`, `%` or none.
    static func format(_ number: Number, spec: String, template: String) throws -> String {
        var text = Substring(spec)
        let zeroPad = text.first == "0"
        if zeroPad { text = text.dropFirst() }
        let width = Int(text.prefix { $0.isNumber }) ?? 0
        text = text.drop { $0.isNumber }
        var precision: Int?
        if text.first == "." {
            text = text.dropFirst()
            precision = Int(text.prefix { $0.isNumber })
            text = text.drop { $0.isNumber }
        }
        let type = text.first
        guard text.count <= 1, precision.map({ $0 <= 100 }) ?? true else {
            throw ModelError("ModelCheckpoint: unsupported format spec '\(spec)' in \"\(template)\"")
        }
        var body: String
        switch (number, type) {
        case (.integer(let i), nil), (.integer(let i), "d"): body = String(i)
        case (.integer(let i), _): body = try realText(Double(i), type: type, precision: precision, spec: spec, template: template)
        case (.real(let d), "d"):
            throw ModelError("ModelCheckpoint: format code 'd' needs an integer, got \(d) in \"\(template)\"")
        case (.real(let d), _): body = try realText(d, type: type, precision: precision, spec: spec, template: template)
        }
        if body.count < width {
            let padding = String(repeating: zeroPad ? "0" : " ", count: width - body.count)
            if zeroPad, body.hasPrefix("-") { body = "-" + padding + body.dropFirst() } else { body = padding + body }
        }
        return body
    }

    private static func realText(_ d: Double, type: Character?, precision: Int?, spec: String, template: String) throws -> String {
        switch type {
        case "f": return String(format: "%.\(precision ?? 6)f", d)
        case "e": return String(format: "%.\(precision ?? 6)e", d)
        case "g": return String(format: "%.\(max(precision ?? 6, 1))g", d)
        case "%": return String(format: "%.\(precision ?? 6)f", d * 100) + "%"
        case nil: return precision.map { String(format: "%.\(max($0, 1))g", d) } ?? pythonRepr(d)
        default: throw ModelError("ModelCheckpoint: unsupported format spec '\(spec)' in \"\(template)\"")
        }
    }

    /// Python's `repr(float)`: the shortest digits that read back the same (`0.6931471824645996`, `1e-05`,
    /// `2.0`); Swift's description writes the same digits, without the `.0` of whole numbers.
    static func pythonRepr(_ d: Double) -> String {
        let text = "\(d)"
        return text.contains(".") || text.contains("e") || !d.isFinite ? text : text + ".0"
    }
}
