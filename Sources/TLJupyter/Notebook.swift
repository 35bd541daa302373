import Foundation

/// A Jupyter notebook (nbformat 4): its cells in order, read from `.ipynb` JSON and written back with
/// outputs, figures included.
public struct Notebook {
    public struct Cell {
        public enum Kind: String { case code, markdown, raw }
        public var kind: Kind
        public var source: String
        /// For code cells that ran: the execution count and what they produced.
        public var executionCount: Int?
        public var outputs: [CellOutput] = []
    }

    public var cells: [Cell]

    public init(cells: [Cell]) {
        self.cells = cells
    }

    /// Reads a notebook; errors name the file and what is wrong in it.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JupyterError("cannot read notebook '\(path)': no such file or no permission")
        }
        let json = try JSON(parsing: data, what: "notebook '\(path)'")
        guard let major = json["nbformat"]?.intValue else {
            throw JupyterError("notebook '\(path)' has no 'nbformat' field; is it a Jupyter notebook?")
        }
        guard major == 4 else {
            throw JupyterError("notebook '\(path)' is nbformat \(major); tl reads nbformat 4 (save it again with a current Jupyter)")
        }
        guard let cells = json["cells"]?.arrayValue else {
            throw JupyterError("notebook '\(path)' has no 'cells' list")
        }
        self.cells = try cells.enumerated().map { index, cell in
            guard let type = cell["cell_type"]?.stringValue, let kind = Cell.Kind(rawValue: type) else {
                throw JupyterError("notebook '\(path)': cell \(index + 1) has no valid 'cell_type' (code, markdown or raw)")
            }
            // nbformat allows the source as one string or as a list of lines.
            let source: String
            switch cell["source"] {
            case .string(let text)?: source = text
            case .array(let lines)?: source = lines.compactMap(\.stringValue).joined()
            default: throw JupyterError("notebook '\(path)': cell \(index + 1) has no 'source'")
            }
            return Cell(kind: kind, source: source)
        }
    }

    // MARK: Writing

    /// The notebook as nbformat 4.5 JSON, marked as a tl notebook so Jupyter opens it with the tl kernel.
    public var json: JSON {
        [
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": [
                "kernelspec": ["name": "tl", "display_name": "tl", "language": "tl"],
                "language_info": Kernel.kernelInfo["language_info"] ?? [:],
            ],
            "cells": .array(cells.enumerated().map { Notebook.json(of: $1, id: "cell-\($0 + 1)") }),
        ]
    }

    private static func json(of cell: Cell, id: String) -> JSON {
        var fields: [String: JSON] = [
            "cell_type": .string(cell.kind.rawValue), "id": .string(id), "metadata": [:], "source": lines(cell.source),
        ]
        if cell.kind == .code {
            fields["execution_count"] = cell.executionCount.map(JSON.int) ?? .null
            fields["outputs"] = .array(outputs(cell.outputs, executionCount: cell.executionCount))
        }
        return .object(fields)
    }

    /// Jupyter's own layout for multi-line text: a list of lines, each but the last ending in "\n".
    private static func lines(_ text: String) -> JSON {
        var lines: [JSON] = []
        var current = ""
        for character in text {
            current.append(character)
            if character == "\n" { lines.append(.string(current)); current = "" }
        }
        if !current.isEmpty { lines.append(.string(current)) }
        return .array(lines)
    }

    /// nbformat outputs; consecutive text on one stream becomes one output, shown as a terminal leaves it
    /// (the progress bar's redraws collapse to their last state).
    private static func outputs(_ outputs: [CellOutput], executionCount: Int?) -> [JSON] {
        var merged: [CellOutput] = []
        // A saved notebook keeps a redrawn line as a terminal would leave it: its last state.
        let streamed = outputs.map { output -> CellOutput in
            guard case .progress(let line, let finished) = output else { return output }
            return .stream(name: "stdout", text: "\r" + line + (finished ? "\n" : ""))
        }
        for output in streamed {
            if case .stream(let name, let text) = output, case .stream(name, let previous)? = merged.last {
                merged[merged.count - 1] = .stream(name: name, text: previous + text)
            } else {
                merged.append(output)
            }
        }
        return merged.map { output in
            switch output {
            case .stream(let name, let text):
                return ["output_type": "stream", "name": .string(name), "text": lines(terminalText(text))]
            case .progress(let line, _):
                return ["output_type": "stream", "name": "stdout", "text": lines(line)]
            case .image(let png):
                return ["output_type": "display_data", "data": Kernel.imageBundle(png), "metadata": [:]]
            case .result(let text):
                return ["output_type": "execute_result", "execution_count": executionCount.map(JSON.int) ?? .null,
                        "data": ["text/plain": lines(text)], "metadata": [:]]
            case .error(let error):
                return ["output_type": "error", "ename": .string(error.name), "evalue": .string(error.message),
                        "traceback": .array(error.traceback.map(JSON.string))]
            }
        }
    }
}
