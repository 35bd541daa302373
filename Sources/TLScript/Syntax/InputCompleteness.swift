/// Decides whether REPL input is finished or needs continuation lines, as Python's REPL does:
/// open brackets, a trailing backslash or an unfinished triple-quoted string continue; a block
/// statement continues until a blank line.
public enum InputCompleteness: Equatable {
    case complete
    case incomplete

    public static func check(_ text: String) -> InputCompleteness {
        let tokens: [Token]
        do {
            tokens = try Lexer.tokenize(SourceFile(name: "<stdin>", text: text))
        } catch let error as ScriptError {
            return error.isIncompleteInput ? .incomplete : .complete
        } catch {
            return .complete
        }
        let opensBlock = tokens.contains { $0.kind == .indent } || lastSignificant(tokens)?.kind == .op(":")
        guard opensBlock else { return .complete }
        // A blank line (the text ends with a newline after the block) finishes a block.
        return text.hasSuffix("\n") ? .complete : .incomplete
    }

    private static func lastSignificant(_ tokens: [Token]) -> Token? {
        tokens.last { token in
            switch token.kind {
            case .newline, .indent, .dedent, .endOfInput: return false
            default: return true
            }
        }
    }
}
