/// Help text indexed by name, parsed from markdown where each entry is a `## name` section
/// (docs/LANGUAGE.md). `help(name)` prints the section's text.
public struct DocIndex {
    /// One `## name` section.
    public struct Entry: Equatable {
        public var name: String
        /// The section's markdown without the heading, trimmed.
        public var text: String
        /// The first paragraph, for one-line listings.
        public var summary: String
    }

    public private(set) var entries: [Entry] = []
    private var byName: [String: Int] = [:]

    /// Parses `## name` sections; a heading like "## fit / model.fit" registers every listed name,
    /// and text inside code fences never starts a section.
    public init(markdown: String) {
        var currentNames: [String] = []
        var currentLines: [Substring] = []
        var inFence = false
        func flush() {
            guard !currentNames.isEmpty else { return }
            let text = currentLines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
            let summary = text.components(separatedBy: "\n\n").first?.replacingOccurrences(of: "\n", with: " ") ?? ""
            for name in currentNames where byName[name] == nil {
                byName[name] = entries.count
                entries.append(Entry(name: name, text: text, summary: summary))
            }
        }
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inFence.toggle() }
            if !inFence, line.hasPrefix("## ") {
                flush()
                currentNames = DocIndex.names(inHeading: line.dropFirst(3))
                currentLines = []
            } else if !inFence, line.hasPrefix("# ") {
                flush()
                currentNames = []
                currentLines = []
            } else {
                currentLines.append(line)
            }
        }
        flush()
    }

    /// "`fit` / `model.fit(...)`" -> ["fit", "model.fit"].
    private static func names(inHeading heading: Substring) -> [String] {
        heading.split(whereSeparator: { $0 == "/" || $0 == "," }).compactMap { part in
            var name = part.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "`", with: "")
            if let paren = name.firstIndex(of: "(") { name = String(name[..<paren]) }
            return name.isEmpty ? nil : name
        }
    }

    /// The entry for `name`, if documented.
    public func entry(for name: String) -> Entry? { byName[name].map { entries[$0] } }

    /// Every documented name, in document order.
    public var names: [String] { entries.map(\.name) }
}

import Foundation
