import Foundation
import Synchronization
import TLLang
import TLScript

/// A Jupyter kernel for tl (messaging protocol 5.3 over ZeroMQ): one tl session serving the shell,
/// control, iopub, stdin and heartbeat channels of a connection file.
///
/// Cells run on the thread that calls `run()` (the shell channel); the control channel has its own
/// thread so that interrupt and shutdown requests are heard while a cell runs, and the heartbeat
/// echoes on a third. Only iopub is written from several threads, under a lock.
public final class Kernel {
    let channels: KernelChannels
    let runner: CellRunner
    /// Where `plt.show()` draws figures before they are sent to the notebook; removed at shutdown.
    let figureDirectory: URL
    /// The request whose cell is running, the parent of what its stray output produces; nil when idle.
    private let runningRequest = Mutex<JupyterMessage?>(nil)
    /// Standard output and error forwarded to the notebook (kept alive with the kernel).
    private var captures: [OutputCapture] = []
    var executionCount = 0
    /// The cells run in this kernel, for history_request: (execution count, code).
    var history: [(count: Int, code: String)] = []

    /// Reads the connection file and binds every channel. `afterEachStatement` runs after every
    /// top-level statement of a cell (the executable gives memory kept during it back to the system).
    public init(connectionFile: String, afterEachStatement: @escaping () -> Void = {}) throws {
        let connection = try ConnectionInfo(contentsOf: connectionFile)
        let overrides = try Kernel.parameterOverrides()
        channels = try KernelChannels(connection: connection)
        figureDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("tl-kernel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: figureDirectory, withIntermediateDirectories: true)
        let session = Session()
        // fit draws its progress bar (which the notebook shows as one display updated in place).
        session.interactiveOutput = true
        session.figureDirectory = figureDirectory.path
        session.interpreter.afterEachTopLevelStatement = afterEachStatement
        session.interpreter.parameterOverrides = overrides
        runner = CellRunner(session: session, privateFigureFolder: figureDirectory.path)
        InterruptSignal.route(to: session.interpreter.cancellation)
    }

    var interpreter: Interpreter { runner.session.interpreter }

    /// `param(name, default)` in a notebook reads `TL_SET="name=value;name=value"` from the environment
    /// Jupyter was started with (Jupyter passes no arguments to kernels), as `tl run --set` does.
    static func parameterOverrides(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> ParameterOverrides {
        guard let text = environment["TL_SET"] else { return ParameterOverrides() }
        do {
            return try ParameterOverrides(assignments: text.split(separator: ";").map(String.init))
        } catch {
            throw JupyterError("the environment variable TL_SET ('\(text)') must hold name=value pairs separated by ';': \(error)")
        }
    }

    /// Serves requests until a shutdown request ends the process.
    public func run() -> Never {
        captureStandardOutputs()
        channels.startHeartbeat()
        channels.publish("status", ["execution_state": "starting"], parent: nil)
        let control = Thread { [self] in serve(channels.control, handle: handleControl) }
        control.name = "tl kernel control"
        control.start()
        serve(channels.shell, handle: handleShell)
    }

    /// Receives and handles requests on `socket` for ever; a bad message is reported and skipped.
    private func serve(_ socket: ZMQSocket, handle: (JupyterMessage) throws -> Void) -> Never {
        while true {
            do {
                guard let frames = try socket.receive() else { continue }
                let request = try JupyterMessage(frames: frames, signer: channels.signer)
                try handle(request)
            } catch {
                Kernel.log("\(error)")
            }
        }
    }

    /// Diagnostics for whoever started Jupyter (its terminal), never the notebook.
    static func log(_ text: String) {
        logHandle.write(Data("tl kernel: \(text)\n".utf8))
    }

    /// The terminal's standard error, kept before `captureStandardOutputs` redirects descriptor 2.
    private static let logHandle = FileHandle(fileDescriptor: dup(STDERR_FILENO), closeOnDealloc: true)

    /// Forwards what is written to descriptors 1 and 2 to the running cell as stdout and stderr streams.
    private func captureStandardOutputs() {
        _ = Kernel.logHandle
        for (descriptor, name) in [(STDOUT_FILENO, "stdout"), (STDERR_FILENO, "stderr")] {
            do {
                captures.append(try OutputCapture(descriptor: descriptor, name: name) { [self] name, text in
                    let parent = runningRequest.withLock { $0 }
                    channels.publish("stream", ["name": .string(name), "text": .string(text)], parent: parent)
                })
            } catch {
                Kernel.log("\(error); such output goes to the terminal instead")
            }
        }
    }

    /// Runs a cell's request with its stray output attributed to it; flushes C's buffered stdout after.
    func whileRunning(_ request: JupyterMessage, _ body: () throws -> Void) rethrows {
        runningRequest.withLock { $0 = request }
        defer {
            fflush(stdout)
            runningRequest.withLock { $0 = nil }
        }
        try body()
    }

    /// Publishes busy, runs `body`, publishes idle, as the protocol asks around every request.
    func whileBusy(_ request: JupyterMessage, _ body: () throws -> Void) rethrows {
        channels.publish("status", ["execution_state": "busy"], parent: request)
        defer { channels.publish("status", ["execution_state": "idle"], parent: request) }
        try body()
    }

    func handleShell(_ request: JupyterMessage) throws {
        try whileBusy(request) {
            switch request.type {
            case "execute_request": try execute(request)
            case "kernel_info_request": try channels.reply(to: request, on: channels.shell, Kernel.kernelInfo)
            case "complete_request": try complete(request)
            case "inspect_request": try inspect(request)
            case "is_complete_request": try isComplete(request)
            case "history_request": try replyHistory(request)
            case "comm_info_request": try channels.reply(to: request, on: channels.shell, ["status": "ok", "comms": [:]])
            case "shutdown_request": try shutdown(request, on: channels.shell)
            default: Kernel.log("ignored a '\(request.type)' message on the shell channel (tl has no handler for it)")
            }
        }
    }

    func handleControl(_ request: JupyterMessage) throws {
        try whileBusy(request) {
            switch request.type {
            case "interrupt_request":
                interpreter.cancellation.cancel()
                try channels.reply(to: request, on: channels.control, ["status": "ok"])
            case "shutdown_request": try shutdown(request, on: channels.control)
            case "kernel_info_request": try channels.reply(to: request, on: channels.control, Kernel.kernelInfo)
            default: Kernel.log("ignored a '\(request.type)' message on the control channel (tl has no handler for it)")
            }
        }
    }

    /// Replies, then ends the process; for a restart, Jupyter starts a new kernel once this one has gone.
    private func shutdown(_ request: JupyterMessage, on socket: ZMQSocket) throws -> Never {
        interpreter.cancellation.cancel()
        let restart = request.content["restart"]?.boolValue ?? false
        try channels.reply(to: request, on: socket, ["status": "ok", "restart": .bool(restart)])
        channels.publish("status", ["execution_state": "idle"], parent: request)
        try? FileManager.default.removeItem(at: figureDirectory)
        // Give ZeroMQ's I/O thread a moment to flush the reply before the process goes.
        usleep(100_000)
        exit(0)
    }

    /// tl has no release numbers yet; Jupyter wants a version string in kernel_info.
    static let version = "1.0"

    static var kernelInfo: JSON {
        [
            "status": "ok",
            "protocol_version": .string(JupyterMessage.protocolVersion),
            "implementation": "tl",
            "implementation_version": .string(version),
            "language_info": [
                "name": "tl",
                "version": .string(version),
                "mimetype": "text/x-python",
                "file_extension": ".tl",
                "pygments_lexer": "python",
                "codemirror_mode": "python",
            ],
            "banner": "tl — transfer learning on small image sets. help() lists the commands, help(\"fit\") explains one.",
            "help_links": [],
        ]
    }
}
