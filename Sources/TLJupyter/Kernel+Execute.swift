import Foundation
import TLScript

extension Kernel {
    /// execute_request: runs the cell, publishing its input, output, figures, result or error, then replies.
    func execute(_ request: JupyterMessage) throws {
        let content = request.content
        let code = content["code"]?.stringValue ?? ""
        let silent = content["silent"]?.boolValue ?? false
        let storeHistory = !silent && (content["store_history"]?.boolValue ?? true)
        if storeHistory { executionCount += 1 }
        let count = executionCount
        if !silent {
            channels.publish("execute_input", ["code": .string(code), "execution_count": .int(count)], parent: request)
        }
        if storeHistory { history.append((count, code)) }
        // An interrupt that arrived while the kernel was idle must not stop this cell.
        interpreter.cancellation.reset()
        var progress = ProgressDisplay()
        var error: Error?
        whileRunning(request) {
            error = runner.run(code, cellName: "In[\(count)]") { [self] output in
                if !silent { publish(output, count: count, parent: request, progress: &progress) }
            }
        }
        // The requests already waiting when the cell failed were sent without knowing of the failure
        // ("Run All"): taken now, before the error reply lets the client send anything more.
        let queuedBehindError = error != nil && (content["stop_on_error"]?.boolValue ?? true) ? waitingShellRequests() : []
        var reply: JSON
        if let error = error.map(CellError.init) {
            reply = ["status": "error", "execution_count": .int(count), "ename": .string(error.name),
                     "evalue": .string(error.message), "traceback": .array(error.traceback.map(JSON.string))]
        } else {
            reply = ["status": "ok", "execution_count": .int(count), "payload": [],
                     "user_expressions": userExpressions(content["user_expressions"])]
        }
        try channels.reply(to: request, on: channels.shell, reply)
        abortExecutions(among: queuedBehindError)
    }

    /// One output of a cell as its iopub message.
    private func publish(_ output: CellOutput, count: Int, parent: JupyterMessage, progress: inout ProgressDisplay) {
        switch output {
        case .progress(let line, let finished):
            let (type, content) = progress.show(line, finished: finished)
            channels.publish(type, content, parent: parent)
        case .stream(let name, let text):
            // A newline that only ends an interrupted progress line is already implied by the display.
            if progress.end(), text == "\n" { return }
            channels.publish("stream", ["name": .string(name), "text": .string(text)], parent: parent)
        case .image(let png):
            progress.end()
            channels.publish("display_data", ["data": Kernel.imageBundle(png), "metadata": [:], "transient": [:]], parent: parent)
        case .result(let text):
            progress.end()
            channels.publish("execute_result", ["execution_count": .int(count), "data": ["text/plain": .string(text)],
                                                "metadata": [:]], parent: parent)
        case .error(let error):
            progress.end()
            channels.publish("error", ["ename": .string(error.name), "evalue": .string(error.message),
                                       "traceback": .array(error.traceback.map(JSON.string))], parent: parent)
        }
    }

    /// A figure as a MIME bundle: the PNG, and a line of text for front ends without images.
    static func imageBundle(_ png: Data) -> JSON {
        ["image/png": .string(png.base64EncodedString()), "text/plain": "<tl figure>"]
    }

    /// The protocol's user_expressions: each expression's value (or error) after the cell ran.
    private func userExpressions(_ requested: JSON?) -> JSON {
        guard let expressions = requested?.objectValue else { return [:] }
        var results: [String: JSON] = [:]
        for (name, expression) in expressions {
            switch runner.evaluateQuietly(expression.stringValue ?? "") {
            case .success(let text):
                results[name] = ["status": "ok", "data": ["text/plain": .string(text)], "metadata": [:]]
            case .failure(let error):
                results[name] = ["status": "error", "ename": .string(error.name), "evalue": .string(error.message),
                                 "traceback": .array(error.traceback.map(JSON.string))]
            }
        }
        return .object(results)
    }

    /// The shell requests waiting now, in order (a bad message is reported and skipped).
    private func waitingShellRequests() -> [JupyterMessage] {
        var requests: [JupyterMessage] = []
        while true {
            let frames: [Data]
            do {
                guard let waiting = try channels.shell.receive(timeout: 0) else { return requests }
                frames = waiting
            } catch {
                Kernel.log("\(error)")
                return requests
            }
            do {
                requests.append(try JupyterMessage(frames: frames, signer: channels.signer))
            } catch {
                Kernel.log("\(error)")
            }
        }
    }

    /// After a failed cell, the cells that were already queued behind it are not run (they likely depend
    /// on it), as IPython does: each gets an "aborted" reply; other requests among them are served in
    /// their turn. Only those: a request that arrives later was sent after the client heard of the error
    /// (the next cell run by hand, or the next request of a client that waits for each reply), however
    /// soon after, and runs normally.
    private func abortExecutions(among requests: [JupyterMessage]) {
        for request in requests {
            guard request.type == "execute_request" else {
                do { try handleShell(request) } catch { Kernel.log("\(error)") }
                continue
            }
            whileBusy(request) {
                do {
                    try channels.reply(to: request, on: channels.shell, ["status": "aborted", "execution_count": .int(executionCount)])
                } catch {
                    Kernel.log("could not reply to an aborted execute_request: \(error)")
                }
            }
        }
    }
}

/// The line a cell redraws in place (fit's progress bar), shown in the notebook as one display that
/// update_display_data messages change, as Jupyter's own progress widgets do.
struct ProgressDisplay {
    private var displayID: String?

    /// The message showing `line`: a new display, or an update of the live one; a finished line ends it.
    mutating func show(_ line: String, finished: Bool) -> (type: String, content: JSON) {
        let isUpdate = displayID != nil
        let id = displayID ?? UUID().uuidString.lowercased()
        displayID = finished ? nil : id
        return (isUpdate ? "update_display_data" : "display_data",
                ["data": ["text/plain": .string(line)], "metadata": [:], "transient": ["display_id": .string(id)]])
    }

    /// Ends the live display, if any (other output follows it); returns whether there was one.
    @discardableResult
    mutating func end() -> Bool {
        defer { displayID = nil }
        return displayID != nil
    }
}
