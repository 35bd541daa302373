import Foundation

/// A strict well-formedness check of an HTML page, enough to trust a generated report: every element
/// opened is closed in order (void elements excepted), attributes are quoted, `<` and `&` in text are
/// escaped (entities are named or numeric and end with `;`), and the page has its doctype, head,
/// title and body. Returns the problems found, empty for a valid page.
enum HTMLValidity {
    static let voidElements: Set<String> = ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
    /// Elements whose content is raw text up to their closing tag.
    static let rawTextElements: Set<String> = ["script", "style"]

    static func problems(in page: String) -> [String] {
        var problems: [String] = []
        var open: [String] = []
        let scalars = Array(page.unicodeScalars)
        var index = 0
        if !page.hasPrefix("<!DOCTYPE html>") { problems.append("no <!DOCTYPE html> first") }
        while index < scalars.count {
            let scalar = scalars[index]
            if scalar == "&" {
                if let problem = checkEntity(scalars, at: index) { problems.append(problem) }
                index += 1
            } else if scalar == ">" {
                problems.append("unescaped '>' in text at offset \(index)")
                index += 1
            } else if scalar == "<" {
                guard let end = scalars[index...].firstIndex(of: ">") else {
                    problems.append("unterminated tag at offset \(index)")
                    break
                }
                let tag = String(String.UnicodeScalarView(scalars[(index + 1)..<end]))
                index = end + 1
                if tag.hasPrefix("!") { continue }
                if tag.hasPrefix("/") {
                    let name = tag.dropFirst().lowercased().trimmingCharacters(in: .whitespaces)
                    if open.last == name { open.removeLast() } else {
                        problems.append("</\(name)> closes <\(open.last ?? "nothing")> at offset \(end)")
                    }
                    continue
                }
                guard let name = parseStartTag(tag, problems: &problems) else { continue }
                if rawTextElements.contains(name) {
                    let closing = Array("</\(name)>".unicodeScalars)
                    guard let close = (index...(scalars.count - closing.count)).first(where: { Array(scalars[$0..<($0 + closing.count)]) == closing }) else {
                        problems.append("<\(name)> never closed")
                        break
                    }
                    index = close + closing.count
                } else if !voidElements.contains(name) && !tag.hasSuffix("/") {
                    open.append(name)
                }
            } else {
                index += 1
            }
        }
        if !open.isEmpty { problems.append("elements left open: \(open)") }
        for required in ["<html", "<head>", "<title>", "<body>", "<meta charset=\"utf-8\">"] where !page.contains(required) {
            problems.append("no \(required)")
        }
        return problems
    }

    /// The element name of a start tag; checks that every attribute value is quoted.
    private static func parseStartTag(_ tag: String, problems: inout [String]) -> String? {
        let name = String(tag.prefix { $0.isLetter || $0.isNumber }).lowercased()
        guard !name.isEmpty else {
            problems.append("'<' not starting a tag: <\(tag.prefix(20))")
            return nil
        }
        var rest = Substring(tag.dropFirst(name.count))
        while let equals = rest.firstIndex(of: "=") {
            let afterEquals = rest[rest.index(after: equals)...]
            guard let quote = afterEquals.first, quote == "\"" || quote == "'" else {
                problems.append("unquoted attribute value in <\(name)>")
                return name
            }
            guard let close = afterEquals.dropFirst().firstIndex(of: quote) else {
                problems.append("unterminated attribute value in <\(name)>")
                return name
            }
            rest = afterEquals[afterEquals.index(after: close)...]
        }
        return name
    }

    private static func checkEntity(_ scalars: [Unicode.Scalar], at index: Int) -> String? {
        let tail = scalars[(index + 1)...].prefix(12)
        guard let semicolon = tail.firstIndex(of: ";") else { return "bare '&' at offset \(index)" }
        let body = String(String.UnicodeScalarView(scalars[(index + 1)..<semicolon]))
        let valid = body.hasPrefix("#") ? Int(body.dropFirst()) != nil : (!body.isEmpty && body.allSatisfy { $0.isLetter || $0.isNumber })
        return valid ? nil : "invalid entity '&\(body);' at offset \(index)"
    }
}
