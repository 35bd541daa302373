import Foundation

extension ReportRecorder {
    /// The report as one self-contained HTML page: code highlighted, outputs in `<pre>`, figures
    /// embedded as `data:` URIs (a figure that cannot be read is named instead), no external resource.
    public var html: String {
        var body = "<h1>\(HTMLText.escape(title))</h1>\n"
        for block in ReportBlock.blocks(of: entries) {
            switch block {
            case .code(let source):
                body += "<pre class=\"code\"><code>\(PythonHighlighter.html(source))</code></pre>\n"
            case .output(let output):
                body += "<pre class=\"output\">\(HTMLText.escape(output))</pre>\n"
            case .image(let name):
                body += imageElement(name) + "\n"
            }
        }
        if let summary = endingSummary {
            let kind = ending.map { if case .interrupted = $0 { return "interrupted" } else { return "error" } } ?? "error"
            body += "<section class=\"ending \(kind)\"><h2>\(HTMLText.escape(summary.heading))</h2>\n"
            body += "<p>\(HTMLText.inlineCode(summary.sentence))</p>\n"
            if let details = summary.details { body += "<pre class=\"output\">\(HTMLText.escape(details))</pre>\n" }
            body += "</section>\n"
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(HTMLText.escape(title))</title>
            <style>
            \(HTMLText.styleSheet)
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    private func imageElement(_ name: String) -> String {
        let url = name.hasPrefix("/") ? URL(fileURLWithPath: name) : directory.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            return "<p class=\"missing\">(figure <code>\(HTMLText.escape(name))</code> could not be read)</p>"
        }
        let type = name.lowercased().hasSuffix(".png") ? "image/png" : (name.lowercased().hasSuffix(".svg") ? "image/svg+xml" : "image/jpeg")
        return "<figure><img alt=\"\(HTMLText.escape(name))\" src=\"data:\(type);base64,\(data.base64EncodedString())\">"
            + "<figcaption>\(HTMLText.escape(name))</figcaption></figure>"
    }
}

/// Escaping and the page's style.
enum HTMLText {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Escapes `text` and turns Markdown's `code` spans into `<code>` elements.
    static func inlineCode(_ text: String) -> String {
        text.components(separatedBy: "`").enumerated().map { index, part in
            index % 2 == 1 ? "<code>\(escape(part))</code>" : escape(part)
        }.joined()
    }

    static let styleSheet = """
        body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #1f2328; }
        pre { padding: 0.6rem 0.8rem; border-radius: 6px; overflow-x: auto; font-size: 0.9rem; line-height: 1.35; }
        pre.code { background: #f6f8fa; border: 1px solid #d0d7de; }
        pre.output { background: #ffffff; border-left: 3px solid #8c959f; }
        .kw { color: #cf222e; font-weight: 600; } .str { color: #0a3069; } .num { color: #0550ae; }
        .com { color: #6e7781; font-style: italic; } .bi { color: #8250df; }
        figure { margin: 1rem 0; } figure img { max-width: 100%; border: 1px solid #d0d7de; }
        figcaption { color: #57606a; font-size: 0.85rem; }
        .ending { border: 1px solid; border-radius: 6px; padding: 0 1rem; margin-top: 1.5rem; }
        .error { border-color: #cf222e; background: #fff5f5; } .interrupted { border-color: #bf8700; background: #fffbea; }
        """
}

/// Colours Python source for the page: keywords, builtins, strings, numbers and comments become spans;
/// everything else is escaped text. A line-by-line scan is enough for report snippets.
enum PythonHighlighter {
    static let keywords: Set<String> = ["and", "as", "assert", "break", "class", "continue", "def", "del", "elif", "else",
                                        "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
                                        "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
                                        "True", "False", "None"]
    static let builtins: Set<String> = ["print", "len", "range", "str", "int", "float", "list", "dict", "tuple", "zip",
                                        "enumerate", "min", "max", "sum", "abs", "round", "help", "param"]

    static func html(_ source: String) -> String {
        var out = ""
        let characters = Array(source)
        var index = 0
        func span(_ cssClass: String, _ text: String) { out += "<span class=\"\(cssClass)\">\(HTMLText.escape(text))</span>" }
        while index < characters.count {
            let character = characters[index]
            if character == "#" {
                let end = characters[index...].firstIndex(of: "\n") ?? characters.count
                span("com", String(characters[index..<end])); index = end
            } else if character == "\"" || character == "'" {
                let end = stringEnd(characters, from: index)
                span("str", String(characters[index..<end])); index = end
            } else if character.isNumber {
                let end = characters[index...].firstIndex { !($0.isNumber || $0.isLetter || $0 == "." || $0 == "_") } ?? characters.count
                span("num", String(characters[index..<end])); index = end
            } else if character.isLetter || character == "_" {
                let end = characters[index...].firstIndex { !($0.isLetter || $0.isNumber || $0 == "_") } ?? characters.count
                let word = String(characters[index..<end])
                if keywords.contains(word) { span("kw", word) } else if builtins.contains(word) { span("bi", word) } else { out += HTMLText.escape(word) }
                index = end
            } else {
                out += HTMLText.escape(String(character)); index += 1
            }
        }
        return out
    }

    /// The index just past the string literal starting at `start` (triple quotes included), or the end.
    private static func stringEnd(_ characters: [Character], from start: Int) -> Int {
        let quote = characters[start]
        let isTriple = start + 2 < characters.count && characters[start + 1] == quote && characters[start + 2] == quote
        var index = start + (isTriple ? 3 : 1)
        while index < characters.count {
            if characters[index] == "\\" { index += 2; continue }
            if isTriple {
                if index + 2 < characters.count && characters[index] == quote && characters[index + 1] == quote && characters[index + 2] == quote {
                    return index + 3
                }
            } else if characters[index] == quote || characters[index] == "\n" {
                return index + 1
            }
            index += 1
        }
        return characters.count
    }
}
