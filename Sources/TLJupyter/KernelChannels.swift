import Foundation

/// The five sockets of a kernel, bound to the ports of the connection file, and the signing of every
/// message sent on them.
final class KernelChannels: @unchecked Sendable {
    let signer: MessageSigner
    /// Identifies this kernel's messages (the header's `session`).
    let session = UUID().uuidString.lowercased()
    let shell: ZMQSocket
    let control: ZMQSocket
    /// Bound so clients can connect, though tl never asks for input (it has no `input()`).
    let stdin: ZMQSocket
    private let iopub: ZMQSocket
    private let heartbeat: ZMQSocket
    private let iopubLock = NSLock()
    private let context: ZMQContext

    init(connection: ConnectionInfo) throws {
        signer = MessageSigner(key: connection.key)
        context = try ZMQContext()
        shell = try ZMQSocket(.router, context: context)
        control = try ZMQSocket(.router, context: context)
        stdin = try ZMQSocket(.router, context: context)
        iopub = try ZMQSocket(.publisher, context: context)
        heartbeat = try ZMQSocket(.reply, context: context)
        let bindings: [(ZMQSocket, Int, String)] = [
            (shell, connection.shellPort, "shell_port"), (control, connection.controlPort, "control_port"),
            (stdin, connection.stdinPort, "stdin_port"), (iopub, connection.iopubPort, "iopub_port"),
            (heartbeat, connection.heartbeatPort, "hb_port"),
        ]
        for (socket, port, field) in bindings {
            do {
                try socket.bind(connection.endpoint(port: port))
            } catch {
                throw JupyterError("\(error) (the connection file's '\(field)'; is another kernel using that port?)")
            }
        }
    }

    /// Echoes every heartbeat ping on a thread of its own, so Jupyter sees the kernel alive even while a
    /// long cell runs.
    func startHeartbeat() {
        let thread = Thread { [heartbeat] in
            while true {
                do {
                    if let ping = try heartbeat.receive() { try heartbeat.send(ping) }
                } catch {
                    Kernel.log("heartbeat: \(error)")
                    return
                }
            }
        }
        thread.name = "tl kernel heartbeat"
        thread.start()
    }

    /// Sends the reply to `request` (`request_type` becomes `request_reply`) on the socket it came from.
    func reply(to request: JupyterMessage, on socket: ZMQSocket, _ content: JSON) throws {
        let type = request.type.replacingOccurrences(of: "_request", with: "_reply")
        let message = JupyterMessage(type: type, content: content, parent: request, session: session)
        try socket.send(message.frames(signer: signer))
    }

    /// Broadcasts on iopub (status, streams, displays, results, errors). A failure is logged, not
    /// thrown: a lost broadcast must not stop the cell that made it.
    func publish(_ type: String, _ content: JSON, parent: JupyterMessage?) {
        // The topic frame lets subscribers filter; Jupyter's clients subscribe to everything.
        let message = JupyterMessage(type: type, content: content, parent: parent, session: session,
                                     identities: [Data("kernel.\(session).\(type)".utf8)])
        iopubLock.lock()
        defer { iopubLock.unlock() }
        do {
            try iopub.send(message.frames(signer: signer))
        } catch {
            Kernel.log("could not publish '\(type)': \(error)")
        }
    }
}
