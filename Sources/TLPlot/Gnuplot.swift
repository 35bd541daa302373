import Foundation

/// Runs gnuplot, feeding it a script through its standard input.
///
/// The executable and environment can be injected so tests can simulate a machine without gnuplot.
public struct Gnuplot: Sendable {
    /// An explicit executable path, or `nil` to look `gnuplot` up on the environment's `PATH`.
    public var executable: String?
    /// The environment gnuplot runs with; also supplies the `PATH` searched for it.
    public var environment: [String: String]

    public init(executable: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.executable = executable
        self.environment = environment
    }

    /// The gnuplot found for this configuration, or `nil` if there is none.
    public func locate() -> String? {
        let fileManager = FileManager.default
        if let executable {
            return fileManager.isExecutableFile(atPath: executable) ? executable : nil
        }
        let searchPath = environment["PATH"] ?? ""
        for folder in searchPath.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("gnuplot").path
            if fileManager.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `script`; `scriptName` names the saved script in error messages.
    /// - Throws: ``PlotError/gnuplotNotInstalled`` or ``PlotError/gnuplotFailed(script:status:stderr:)``.
    public func run(script: String, scriptName: String) throws {
        guard let path = locate() else { throw PlotError.gnuplotNotInstalled }
        Self.ignoreBrokenPipes

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = []
        process.environment = environment
        let input = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw PlotError.gnuplotFailed(script: scriptName, status: -1,
                                          stderr: "could not start \(path): \(error.localizedDescription)")
        }
        // Drain stderr concurrently so a chatty gnuplot never blocks on a full pipe while we wait.
        let collected = CollectedOutput()
        let drained = DispatchGroup()
        DispatchQueue.global().async(group: drained) {
            collected.data = errors.fileHandleForReading.readDataToEndOfFile()
        }
        // A failed write means gnuplot already quit; its exit status and stderr tell why.
        try? input.fileHandleForWriting.write(contentsOf: Data((script + "\nexit\n").utf8))
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        drained.wait()

        // Reading a script from a pipe, gnuplot exits with status 1 after any error (bad command,
        // unreadable data, unwritable output), so the status is the signal; stderr is the explanation.
        if process.terminationStatus != 0 {
            let stderr = String(decoding: collected.data, as: UTF8.self)
            throw PlotError.gnuplotFailed(script: scriptName, status: process.terminationStatus, stderr: stderr)
        }
    }

    /// Writing to a pipe whose reader has exited raises SIGPIPE, which would kill tl; ignoring it turns
    /// that into an ordinary write error, reported through gnuplot's exit status instead.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()
}

/// Bytes read on a helper queue; the dispatch group's wait orders the write before the read.
private final class CollectedOutput: @unchecked Sendable {
    var data = Data()
}
