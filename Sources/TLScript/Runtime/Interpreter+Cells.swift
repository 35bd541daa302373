extension Interpreter {
    /// Runs one notebook cell as IPython does: every statement in order, and the value of a final
    /// expression statement (unless None) is returned rather than printed, so the host can show it as
    /// the cell's result. Earlier expression statements are evaluated silently, as in a notebook.
    public func runCell(_ text: String, fileName: String) throws -> Value? {
        // On the evaluation stack, as `run` is: deep recursion must end in RecursionError, not overflow
        // the kernel thread's stack.
        try onEvaluationStack { try runCellStatements(text, fileName: fileName) }
    }

    private func runCellStatements(_ text: String, fileName: String) throws -> Value? {
        let source = SourceFile(name: fileName, text: text)
        let block = try Parser.parse(source)
        for (index, statement) in block.enumerated() {
            guard index == block.count - 1, case .expression(let expression) = statement.statement else {
                try runTopLevel(statement, in: source)
                continue
            }
            let value = try runTopLevel(statement, in: source) { () throws -> Value in
                let value = try self.evaluate(expression)
                // The report (report.md) shows the result where a terminal would have echoed it.
                if !value.isNone { self.report?.appendOutput(value.repr + "\n") }
                return value
            }
            return value?.isNone == false ? value : nil
        }
        return nil
    }
}
