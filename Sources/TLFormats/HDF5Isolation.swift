import Foundation
import Glibc
import Synchronization

/// Reading HDF5 files that no one vouches for in a child process, so that a damaged file which makes
/// libhdf5 crash (a fault inside the library, which no error handling can catch) ends the child, not
/// the session: the parent reports a clear error naming the file.
///
/// The executable turns it on with `enableChildReading(executable:)`; `tl` then starts itself with the
/// hidden subcommand `childCommandName PATH ANSWER`, which reads the file with the same code
/// (`serveChild(path:answerPath:)`) and hands the arrays back in a temporary file (``HDF5WeightTransfer``).
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
        var isInterrupted: (@Sendable () -> Bool)?
    }

    private static let state = Mutex(State())

    /// Reads unvouched HDF5 files by running `executable childCommandName PATH` (nil: read everything directly).
    public static func enableChildReading(executable: String?) {
        state.withLock { $0.childExecutable = executable }
    }

    /// While a child reads, `check` is asked every few milliseconds whether the read should stop (Ctrl-C
    /// raised the interpreter's cancellation flag); when it says so the child is killed and the read fails
    /// with "Reading '...' was interrupted." A Ctrl-C typed at the terminal also reaches the child
    /// itself, which shares tl's process group, but a SIGINT sent to tl alone (`kill -INT`, a harness)
    /// does not, and a child stuck in the kernel may not die of it; this makes the parent decide.
    public static func stopReading(when check: (@Sendable () -> Bool)?) {
        state.withLock { $0.isInterrupted = check }
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
    ///
    /// The answer goes through a temporary file (in `/dev/shm` when there is one) rather than a pipe: the
    /// child writes 58 MB at once instead of in 64 KB turns with the parent, which on a busy machine cost
    /// a time slice each; posix_spawn and waitpid avoid Foundation's polling wait.
    private static func runChild(executable: String, path: String) throws -> Data {
        let answer = try temporaryAnswerFile()
        defer { unlink(answer) }
        let status = try spawnAndWait(executable, arguments: [childCommandName, path, answer], path: path)
        if status & 0x7F != 0 { throw crashError(path: path, signal: status & 0x7F) }
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: answer), options: .alwaysMapped) else {
            throw FileFormatError(path: path, message: "Cannot read '\(path)': tl's helper process left no answer.")
        }
        return data
    }

    /// An empty file only this process can read, for the child's answer.
    private static func temporaryAnswerFile() throws -> String {
        var isFolder: ObjCBool = false
        let folder = FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isFolder) && isFolder.boolValue
            && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NSTemporaryDirectory()
        var template = Array((folder + "/tl-hdf5-answer-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw FileFormatError(path: folder, message: "Cannot create a temporary file in '\(folder)': \(String(cString: strerror(errno))).")
        }
        close(descriptor)
        return String(cString: template)
    }

    /// Starts `executable arguments` with no input and no output, and returns its wait status; kills
    /// the child and throws "interrupted" once the `stopReading(when:)` check says so.
    ///
    /// The child starts with SIGINT and every other signal at its default action and none blocked,
    /// whatever this process had: `tl run` ignores SIGINT (a dispatch source handles it) and an ignored
    /// signal is inherited through exec, so a child started plainly would have ignored Ctrl-C.
    private static func spawnAndWait(_ executable: String, arguments: [String], path: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t(), noneBlocked = sigset_t()
        sigfillset(&defaults)
        sigdelset(&defaults, SIGKILL)
        sigdelset(&defaults, SIGSTOP)
        sigemptyset(&noneBlocked)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &noneBlocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard spawned == 0 else {
            throw FileFormatError(path: path, message: "Cannot read '\(path)': tl could not start its helper process to read it safely (\(String(cString: strerror(spawned)))).")
        }
        let isInterrupted = state.withLock { $0.isInterrupted }
        var status: Int32 = 0
        // Poll, 1 ms at first (a small file's child is done within a few) up to 10 ms, so that an
        // interruption is seen even while the child is stuck (reading a FIFO, a huge file, a dead mount).
        var pause: useconds_t = 1000
        while true {
            let ended = waitpid(child, &status, WNOHANG)
            if ended == child { return status }
            if ended < 0 && errno != EINTR {
                throw FileFormatError(path: path, message: "Cannot read '\(path)': lost track of tl's helper process (\(String(cString: strerror(errno)))).")
            }
            if let isInterrupted, isInterrupted() {
                kill(child, SIGKILL)
                while waitpid(child, &status, 0) < 0 && errno == EINTR {}
                throw crashError(path: path, signal: SIGINT)
            }
            usleep(pause)
            pause = min(pause * 2, 10_000)
        }
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
    /// attributes, which `load_model` reads next) and writes the result, or the error, to the file
    /// `answerPath`. Returns the exit status: 0 when the answer was written.
    public static func serveChild(path: String, answerPath: String) -> Int32 {
        // The parent created the file (mode 0600); write into it rather than replace it.
        let descriptor = open(answerPath, O_WRONLY | O_TRUNC | O_CLOEXEC)
        guard descriptor >= 0 else { return 1 }
        defer { close(descriptor) }
        do {
            let file = try KerasWeightFile.readDirectly(path: path)
            try readModelAttributes(path)
            try HDF5WeightTransfer.write(file, to: descriptor)
        } catch {
            let message = (error as? FileFormatError)?.message ?? "\(error)"
            guard ftruncate(descriptor, 0) == 0, lseek(descriptor, 0, SEEK_SET) == 0,
                  (try? HDF5WeightTransfer.encode(error: message).withUnsafeBytes { try HDF5WeightTransfer.writeAll($0, to: descriptor) }) != nil
            else { return 1 }
        }
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
