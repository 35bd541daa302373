import Foundation
import TLFileSystem

/// Plot files (data, scripts, PNGs) go through TLFileSystem's atomic writer — temporary name, fsync,
/// rename — so a reader never sees a half-written file; failures become ``PlotError``s.
enum AtomicFile {
    static func write(_ data: Data, to path: String) throws {
        try write(to: path) { temporary in try data.write(to: URL(fileURLWithPath: temporary)) }
    }

    static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// Runs `produce` on a temporary path beside `path`, then flushes it and renames it into place.
    static func write(to path: String, using produce: (_ temporaryPath: String) throws -> Void) throws {
        do {
            try writeAtomically(to: path, using: produce)
        } catch let error as FileFormatError {
            throw PlotError.fileWriteFailed(path: path, reason: error.message)
        }
    }
}
