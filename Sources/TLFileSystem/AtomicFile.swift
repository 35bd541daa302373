import Foundation

/// Writes `data` to `path` so that readers see either the old file or the complete new one, never a
/// partial write: the bytes go to a temporary file in the same directory, are flushed to disk with
/// `fsync`, and the temporary file is then renamed over `path` (rename is atomic within one file system).
public func writeAtomically(_ data: Data, to path: String) throws {
    try writeAtomically(to: path) { temporaryPath in
        try writeAll(data, toNewFile: temporaryPath, finalPath: path)
    }
}

/// Runs `write` with a temporary path in the same directory as `path`, flushes what it wrote to disk and
/// renames it over `path`. For writers that need a file name rather than bytes (the HDF5 library).
/// If `write` throws, the temporary file is removed and `path` is left untouched.
public func writeAtomically(to path: String, using write: (_ temporaryPath: String) throws -> Void) throws {
    let url = URL(fileURLWithPath: path)
    let directory = url.deletingLastPathComponent().path
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw FileFormatError(path: path, message: "Cannot write '\(path)': the folder '\(directory)' does not exist. Create it first.")
    }
    // A hidden, unique name beside the target keeps the final rename on one file system.
    let temporaryPath = url.deletingLastPathComponent()
        .appendingPathComponent(".\(url.lastPathComponent).\(getpid()).\(UUID().uuidString.prefix(8)).tmp").path
    do {
        try write(temporaryPath)
        try flushToDisk(temporaryPath, finalPath: path)
        guard rename(temporaryPath, path) == 0 else {
            throw FileFormatError(path: path, message: "Cannot write '\(path)': renaming the temporary file failed (\(String(cString: strerror(errno)))).")
        }
    } catch {
        unlink(temporaryPath)
        throw error
    }
    // Make the rename itself durable; failing here loses nothing already written, so it is best-effort.
    let directoryDescriptor = open(directory, O_RDONLY)
    if directoryDescriptor >= 0 {
        _ = fsync(directoryDescriptor)
        close(directoryDescriptor)
    }
}

private func writeAll(_ data: Data, toNewFile temporaryPath: String, finalPath: String) throws {
    let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL, 0o644)
    guard descriptor >= 0 else {
        throw FileFormatError(path: finalPath, message: "Cannot write '\(finalPath)': creating a temporary file beside it failed (\(String(cString: strerror(errno)))). Check that the folder is writable.")
    }
    defer { close(descriptor) }
    try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
        var offset = 0
        while offset < buffer.count {
            let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw FileFormatError(path: finalPath, message: "Cannot write '\(finalPath)': \(String(cString: strerror(errno))) after \(offset) of \(buffer.count) bytes.")
            }
            offset += written
        }
    }
}

private func flushToDisk(_ temporaryPath: String, finalPath: String) throws {
    let descriptor = open(temporaryPath, O_RDONLY)
    guard descriptor >= 0 else {
        throw FileFormatError(path: finalPath, message: "Cannot write '\(finalPath)': the temporary file vanished before it could be flushed (\(String(cString: strerror(errno)))).")
    }
    defer { close(descriptor) }
    guard fsync(descriptor) == 0 else {
        throw FileFormatError(path: finalPath, message: "Cannot write '\(finalPath)': flushing to disk failed (\(String(cString: strerror(errno)))).")
    }
}
