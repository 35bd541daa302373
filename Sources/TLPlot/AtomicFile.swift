import Foundation

/// Writes files so that readers never see a half-written one: the bytes go to a temporary
/// name in the same folder (same file system, so the rename is atomic) and are then renamed.
enum AtomicFile {
    static func write(_ data: Data, to path: String) throws {
        let temporary = temporaryPath(beside: path)
        do {
            try data.write(to: URL(fileURLWithPath: temporary))
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw PlotError.fileWriteFailed(path: path, reason: error.localizedDescription)
        }
        try replace(path, with: temporary)
    }

    static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// A fresh name in `path`'s folder, hidden and marked temporary, ending like the original
    /// (gnuplot and viewers look at extensions).
    static func temporaryPath(beside path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        let name = ".\(url.deletingPathExtension().lastPathComponent).tmp-\(UUID().uuidString.prefix(8))"
        let withExtension = url.pathExtension.isEmpty ? name : name + "." + url.pathExtension
        return folder.appendingPathComponent(withExtension).path
    }

    /// Moves `temporary` onto `path`, replacing what was there.
    static func replace(_ path: String, with temporary: String) throws {
        // rename(2) replaces the destination atomically; FileManager.moveItem refuses to overwrite.
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw PlotError.fileWriteFailed(path: path, reason: reason)
        }
    }
}
