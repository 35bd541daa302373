/// What one attempt to read a line produced.
enum LineReadResult: Equatable {
    case line(String)
    /// Ctrl-C while editing: discard the input so far.
    case interrupted
    /// Ctrl-D on an empty line, or the end of piped input.
    case endOfInput
}

/// A source of input lines for the REPL: libedit on a terminal, plain reads otherwise.
protocol LineReader: AnyObject {
    func readLine(prompt: String) -> LineReadResult
    /// Remembers an entered statement (history); plain readers ignore it.
    func addHistory(_ entry: String)
}
