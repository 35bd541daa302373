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
        let error = runner.run(code, cellName: "In[\(count)]") { [self] output in
            if !silent { publish(output, count: count, parent: request) }
        }
        var reply: JSON
        if let error = error.map(CellError.init) {
            reply = ["status": "error", "execution_count": .int(count), "ename": .string(error.name),
                     "evalue": .string(error.message), "traceback": .array(error.traceback.map(JSON.string))]
        } else {
            reply = ["status": "ok", "execution_count": .int(count), "payload": [],
                     "user_expressions": userExpressions(content["user_expressions"])]
        }
        try channels.reply(to: request, on: channels.shell, reply)
        if error != nil, content["stop_on_error"]?.boolValue ?? true { try abortQueuedExecutions() }
    }

    /// One output of a cell as its iopub message.
    private func publish(_ output: CellOutput, count: Int, parent: JupyterMessage) {
        switch output {
        case .stream(let name, let text):
            channels.publish("stream", ["name": .string(name), "text": .string(text)], parent: parent)
        case .image(let png):
            channels.publish("display_data", ["data": Kernel.imageBundle(png), "metadata": [:], "transient": [:]], parent: parent)
        case .result(let text):
            channels.publish("execute_result", ["execution_count": .int(count), "data": ["text/plain": .string(text)],
                                                "metadata": [:]], parent: parent)
        case .error(let error):
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

    /// After a failed cell, cells already queued behind it are not run (they likely depend on it), as
    /// IPython does: each gets an "aborted" reply. Other requests waiting meanwhile are served normally.
    private func abortQueuedExecutions() throws {
        while let frames = try channels.shell.receive(timeout: 0) {
            let request: JupyterMessage
            do {
                request = try JupyterMessage(frames: frames, signer: channels.signer)
            } catch {
                Kernel.log("\(error)")
                continue
            }
            guard request.type == "execute_request" else { try handleShell(request); continue }
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
