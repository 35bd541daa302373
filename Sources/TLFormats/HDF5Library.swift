import CHDF5
import CHDF5Support
import Foundation

/// Process-wide access to the HDF5 C library.
///
/// HDF5 prints its error stack to stderr by default; TLFormats turns that off and reports failures as
/// `FileFormatError`s instead, quoting the library's most specific message. The settings and the error
/// stack are per thread in thread-safe builds, so every entry point goes through `perform`.
enum HDF5Library {
    /// Serialises TLFormats' HDF5 calls; libhdf5 builds without thread safety need it.
    private static let lock = NSRecursiveLock()

    /// The library is opened once, without its exit-time shutdown: tl closes every file it opens, and
    /// scripts run on a worker thread whose per-thread error stack the shutdown cannot free, so it printed
    /// "HDF5: infinite loop closing library" at every exit after a save or load.
    private static let opened: Void = {
        _ = H5dont_atexit()
        _ = H5open()
    }()

    static func perform<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        _ = opened
        tl_h5_silence_errors()
        return try body()
    }

    /// The message HDF5 left for the last failure (e.g. "truncated file: eof = 1000, ..."), if any.
    static func takeErrorMessage() -> String? {
        var buffer = [CChar](repeating: 0, count: 512)
        guard tl_h5_take_error_message(&buffer, buffer.count) != 0 else { return nil }
        return String(cString: buffer)
    }

    /// A `FileFormatError` for `path` whose message is `message` followed by HDF5's own explanation.
    static func failure(_ path: String, _ message: String) -> FileFormatError {
        if let detail = takeErrorMessage() {
            return FileFormatError(path: path, message: "\(message) (HDF5: \(detail))")
        }
        return FileFormatError(path: path, message: message)
    }
}
