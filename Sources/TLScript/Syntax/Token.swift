/// One lexical token with the place it starts.
public struct Token: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case name(String)
        case int(Int)
        case float(Double)
        case string(String)
        /// The text of an f-string (escapes already decoded); the parser splits out its `{fields}`.
        case formattedString(String)
        /// A Jupyter line (`%matplotlib inline`, `!pip install ...`), kept whole for a clear message.
        case notebookMagic(String)
        /// Operators and punctuation, spelled as in the source: `+`, `**=`, `(`, `:`.
        case op(String)
        case newline
        case indent
        case dedent
        case endOfInput
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// How the token reads in an error message.
    public var spelling: String {
        switch kind {
        case .name(let name): return "'\(name)'"
        case .int(let value): return "'\(value)'"
        case .float(let value): return "'\(formatFloat(value))'"
        case .string: return "string literal"
        case .formattedString: return "f-string"
        case .notebookMagic(let text): return "'\(text)'"
        case .op(let op): return "'\(op)'"
        case .newline: return "end of line"
        case .indent: return "indent"
        case .dedent: return "dedent"
        case .endOfInput: return "end of input"
        }
    }
}

/// Words that cannot be used as variable names.
let reservedWords: Set<String> = [
    "if", "elif", "else", "for", "in", "while", "break", "continue", "pass", "def", "return",
    "and", "or", "not", "is", "import", "from", "as", "True", "False", "None", "true", "false", "none",
    "lambda", "class", "global", "nonlocal", "del", "try", "except", "finally", "with", "yield", "raise",
]
