import Foundation
import TLScript

extension Kernel {
    /// complete_request: the REPL's tab completion for the name before the cursor.
    func complete(_ request: JupyterMessage) throws {
        let code = request.content["code"]?.stringValue ?? ""
        let cursor = request.content["cursor_pos"]?.intValue ?? code.unicodeScalars.count
        let completion = Introspection(interpreter: interpreter).complete(code, cursor: cursor)
        try channels.reply(to: request, on: channels.shell, [
            "status": "ok", "matches": .array(completion.matches.map(JSON.string)),
            "cursor_start": .int(completion.start), "cursor_end": .int(completion.end), "metadata": [:],
        ])
    }

    /// inspect_request: the `help` text of the name at the cursor (Shift-Tab in Jupyter).
    func inspect(_ request: JupyterMessage) throws {
        let code = request.content["code"]?.stringValue ?? ""
        let cursor = request.content["cursor_pos"]?.intValue ?? code.unicodeScalars.count
        let text = Introspection(interpreter: interpreter).inspect(code, cursor: cursor)
        try channels.reply(to: request, on: channels.shell, [
            "status": "ok", "found": .bool(text != nil),
            "data": text.map { ["text/plain": .string($0)] } ?? [:], "metadata": [:],
        ])
    }

    /// is_complete_request: whether the prompt of a console should run the code or ask for another line
    /// (the REPL's rule: open brackets and unfinished blocks continue).
    func isComplete(_ request: JupyterMessage) throws {
        let code = request.content["code"]?.stringValue ?? ""
        guard InputCompleteness.check(code) == .incomplete else {
            return try channels.reply(to: request, on: channels.shell, ["status": "complete"])
        }
        // Keep the last line's indentation, one level deeper after a line opening a block.
        let lastLine = code.components(separatedBy: "\n").last ?? ""
        var indent = String(lastLine.prefix { $0 == " " || $0 == "\t" })
        if lastLine.trimmingCharacters(in: .whitespaces).hasSuffix(":") { indent += "    " }
        try channels.reply(to: request, on: channels.shell, ["status": "incomplete", "indent": .string(indent)])
    }

    /// history_request: the cells run in this kernel (session 0 is the current one), by tail, range or
    /// glob search, as (session, execution count, code) triples.
    func replyHistory(_ request: JupyterMessage) throws {
        let content = request.content
        var entries = history
        switch content["hist_access_type"]?.stringValue ?? "tail" {
        case "range":
            let start = content["start"]?.intValue ?? 0
            let stop = content["stop"]?.intValue ?? Int.max
            entries = entries.filter { $0.count >= start && $0.count < stop }
        case "search":
            let pattern = content["pattern"]?.stringValue ?? "*"
            entries = entries.filter { fnmatch(pattern, $0.code, 0) == 0 }
            if content["unique"]?.boolValue == true {
                var seen = Set<String>()
                entries = entries.reversed().filter { seen.insert($0.code).inserted }.reversed()
            }
            if let n = content["n"]?.intValue { entries = Array(entries.suffix(n)) }
        default:
            if let n = content["n"]?.intValue { entries = Array(entries.suffix(n)) }
        }
        let triples = entries.map { JSON.array([0, .int($0.count), .string($0.code)]) }
        try channels.reply(to: request, on: channels.shell, ["status": "ok", "history": .array(triples)])
    }
}
