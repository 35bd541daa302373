import Foundation
import Glibc
import Synchronization

/// Reading HDF5 files that no one vouches for in a child process, so that a damaged file which makes
/// libhdf5 crash (a fault inside the library, which no error handling can catch) ends the child, not
/// the session: the parent reports a clear error naming the file.
///
/// The executable turns it on with `enableChildReading(executable:)`; `tl` then starts itself with the
/// hidden subcommand `childCommandName PATH`, which reads the file with the same code
/// (`serveChild(path:)`) and hands the arrays back through a pipe (``HDF5WeightTransfer``).
/// Files that are vouched for are read directly: weights whose published checksum was verified in this
/// process (`vouch(forFileAt:)`, e.g. the `imagenet` files) and files a child has already read whole in
/// this process, as long as they are unchanged (same device, inode, size and modification time).
/// Without `enableChildReading` (library users, tests in process) every read is direct.
public enum HDF5Isolation {
    /// The hidden subcommand of `tl` that reads one file for its parent.
    public static let childCommandName = "internal-read-hdf5"

    private struct State {
        var childExecutable: String?
        var vouched: Set<FileIdentity> = []
    }

    private static let state = Mutex(State())

    /// Reads unvouched HDF5 files by running `executable childCommandName PATH` (nil: read everything directly).
    public static func enableChildReading(executable: String?) {
        state.withLock { $0.childExecutable = executable }
    }

    /// Marks the file at `path`, as it is now, as safe to read in process (its checksum was verified).
    public static func vouch(forFileAt path: String) {
        guard let identity = FileIdentity(path: path) else { return }
        _ = state.withLock { $0.vouched.insert(identity) }
    }

    /// The child executable when the file at `path` must be read in a child; nil to read it directly.
    static func childExecutable(forReading path: String) -> String? {
        let identity = FileIdentity(path: path)
        return state.withLock { state in
            guard let executable = state.childExecutable else { return nil }
            // A path that is not a regular file (missing, a folder) gets its usual error in process.
            guard let identity, identity.isRegularFile else { return nil }
            return state.vouched.contains(identity) ? nil : executable
        }
    }

    // MARK: The parent's side

    /// Reads a Keras weight file in a child when it is not vouched for; nil when it should be read directly.
    static func readWeightFileIfUnvouched(_ path: String) throws -> KerasWeightFile? {
        guard let executable = childExecutable(forReading: path) else { return nil }
        let identity = FileIdentity(path: path)
        let output = try runChild(executable: executable, path: path)
        let file = try HDF5WeightTransfer.decode(output, path: path)
        if let identity { vouch(identity) }
        return file
    }

    /// Before an HDF5 file is opened in process for other reads (a model file's attributes): has a child
    /// read it whole first. A crash becomes an error; a clean error is left to the in-process read.
    static func checkInChildIfUnvouched(_ path: String) throws {
        guard let executable = childExecutable(forReading: path) else { return }
        let identity = FileIdentity(path: path)
        let output = try runChild(executable: executable, path: path)
        if (try? HDF5WeightTransfer.decode(output, path: path)) != nil, let identity { vouch(identity) }
    }

    private static func vouch(_ identity: FileIdentity) {
        _ = state.withLock { $0.vouched.insert(identity) }
    }

    /// Runs the child and returns what it wrote; a child killed by a signal becomes an error naming the file.
    private static func runChild(executable: String, path: String) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [childCommandName, path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw FileFormatError(path: path, message: "Cannot read '\(path)': tl could not start its helper process to read it safely (\(error)).")
        }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationReason == .uncaughtSignal {
            throw crashError(path: path, signal: process.terminationStatus)
        }
        return output
    }

    static func crashError(path: String, signal: Int32) -> FileFormatError {
        if signal == SIGINT || signal == SIGTERM {
            return FileFormatError(path: path, message: "Reading '\(path)' was interrupted.")
        }
        let name = signal == SIGSEGV ? "SIGSEGV" : signal == SIGBUS ? "SIGBUS" : signal == SIGABRT ? "SIGABRT" : signal == SIGILL ? "SIGILL" : "signal \(signal)"
        return FileFormatError(path: path, message: "'\(path)' is damaged: the HDF5 library crashed (\(name)) while reading it. tl read it in a separate process, so this session is unharmed. Download or save the file again.")
    }

    // MARK: The child's side

    /// Reads `path` as a Keras weight file (and a model file's `model_config`/`training_config`
    /// attributes, which `load_model` reads next) and writes the result, or the error, to `output`.
    /// Returns the exit status: 0 when something was written.
    public static func serveChild(path: String, output: FileHandle = .standardOutput) -> Int32 {
        let payload: Data
        do {
            let file = try KerasWeightFile.readDirectly(path: path)
            try readModelAttributes(path)
            payload = HDF5WeightTransfer.encode(file)
        } catch {
            payload = HDF5WeightTransfer.encode(error: (error as? FileFormatError)?.message ?? "\(error)")
        }
        do { try output.write(contentsOf: payload) } catch { return 1 }
        return 0
    }

    private static func readModelAttributes(_ path: String) throws {
        try HDF5Library.perform {
            let file = try HDF5File.openDirectly(path)
            let root = try file.root()
            for name in ["model_config", "training_config"] where root.hasAttribute(name) {
                _ = try root.stringAttribute(name)
            }
            try file.close()
        }
    }
}

/// What identifies a file's current content cheaply: a rewrite or replacement changes one of these.
struct FileIdentity: Hashable {
    let device: UInt64
    let inode: UInt64
    let size: Int64
    let modifiedSeconds: Int
    let modifiedNanoseconds: Int
    let isRegularFile: Bool

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modifiedSeconds = Int(info.st_mtim.tv_sec)
        modifiedNanoseconds = Int(info.st_mtim.tv_nsec)
        isRegularFile = (info.st_mode & S_IFMT) == S_IFREG
    }
}
