/// The report's content in reading order, shared by the Markdown and the HTML page: statements that
/// printed nothing share one code block with the statements after them, as a notebook cell would.
enum ReportBlock: Equatable {
    case code(String)
    case output(String)
    case image(String)

    static func blocks(of entries: [ReportRecorder.Entry]) -> [ReportBlock] {
        var blocks: [ReportBlock] = []
        var statements: [String] = []
        func flushStatements() {
            guard !statements.isEmpty else { return }
            blocks.append(.code(statements.joined(separator: "\n")))
            statements = []
        }
        for entry in entries {
            if !entry.source.isEmpty { statements.append(entry.source) }
            let output = ReportRecorder.finalText(of: entry.output)
            if output.isEmpty && entry.images.isEmpty { continue }
            flushStatements()
            if !output.isEmpty { blocks.append(.output(output)) }
            blocks += entry.images.map(ReportBlock.image)
        }
        flushStatements()
        return blocks
    }
}
