import CHDF5
import CHDF5Support
import Foundation

/// An open HDF5 file, read-only or newly created.
///
/// Opening checks the HDF5 signature (`\u{89}HDF\r\n\u{1A}\n` at byte 0, 512, 1024, 2048, ...) first so a
/// text file or an empty file is reported as "not an HDF5 file" rather than as an obscure library failure.
/// Groups and datasets keep their file open while they are in use. Files use the strong close degree:
/// an explicit `close()` closes every object still open, so after it returns the file is complete on
/// disk (and groups or datasets obtained earlier can no longer be used).
public final class HDF5File {
    /// The path the file was opened or created with; every error message names it.
    public let path: String
    private var identifier: hid_t
    private let writable: Bool

    private init(path: String, identifier: hid_t, writable: Bool) {
        self.path = path
        self.identifier = identifier
        self.writable = writable
    }

    deinit {
        if identifier >= 0 { HDF5Library.perform { _ = H5Fclose(identifier) } }
    }

    /// Opens an existing file for reading. When the executable enabled ``HDF5Isolation`` and the file is
    /// not vouched for, a child process reads it whole first, so a crash in libhdf5 cannot end this one.
    public static func open(_ path: String) throws -> HDF5File {
        try HDF5Isolation.checkInChildIfUnvouched(path)
        return try openDirectly(path)
    }

    /// Opens an existing file for reading in this process.
    static func openDirectly(_ path: String) throws -> HDF5File {
        try HDF5Library.perform {
            try checkSignature(path)
            let access = tl_h5p_create_strong_close_file_access()
            defer { if access >= 0 { H5Pclose(access) } }
            let file = H5Fopen(path, tl_h5f_acc_rdonly(), access)
            guard file >= 0 else {
                let detail = HDF5Library.takeErrorMessage() ?? "no detail"
                if let sizes = truncationSizes(detail) {
                    throw FileFormatError(path: path, message: "'\(path)' is truncated: it has \(sizes.actual) bytes but its HDF5 header says \(sizes.expected) (an interrupted download or copy?). Download or save it again.")
                }
                throw FileFormatError(path: path, message: "Cannot open '\(path)': it has an HDF5 signature but the library cannot read it (HDF5: \(detail)); it is probably truncated or damaged. Download or save it again.")
            }
            return HDF5File(path: path, identifier: file, writable: false)
        }
    }

    /// Creates a new, empty file at `path`, replacing any file there. Callers wanting an atomic
    /// replacement create at a temporary path (see `writeAtomically(to:using:)`).
    public static func create(_ path: String) throws -> HDF5File {
        try HDF5Library.perform {
            let access = tl_h5p_create_strong_close_file_access()
            defer { if access >= 0 { H5Pclose(access) } }
            let file = H5Fcreate(path, tl_h5f_acc_trunc(), tl_h5p_default(), access)
            guard file >= 0 else {
                throw HDF5Library.failure(path, "Cannot create the HDF5 file '\(path)'. Check that its folder exists and is writable")
            }
            return HDF5File(path: path, identifier: file, writable: true)
        }
    }

    /// The root group `/`.
    public func root() throws -> HDF5Group {
        try HDF5Library.perform {
            let group = H5Gopen2(identifier, "/", tl_h5p_default())
            guard group >= 0 else { throw HDF5Library.failure(path, "Cannot open the root group of '\(path)'") }
            return HDF5Group(handle: HDF5Handle(group, in: self, close: H5Gclose), filePath: path, objectPath: "/")
        }
    }

    /// Flushes and closes the file. Errors while flushing a written file are reported, not lost.
    public func close() throws {
        guard identifier >= 0 else { return }
        try HDF5Library.perform {
            let status = H5Fclose(identifier)
            identifier = -1
            if status < 0 {
                throw HDF5Library.failure(path, writable
                    ? "Writing '\(path)' failed while flushing it to disk; the file is incomplete"
                    : "Closing '\(path)' failed")
            }
        }
    }

    /// Throws "not an HDF5 file" unless the HDF5 superblock signature is where the format puts it.
    static func checkSignature(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FileFormatError(path: path, message: "Cannot open '\(path)': no such file. Check the path.")
        }
        guard !isDirectory.boolValue else {
            throw FileFormatError(path: path, message: "Cannot open '\(path)': it is a folder, not an HDF5 file.")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FileFormatError(path: path, message: "Cannot open '\(path)': permission denied or unreadable.")
        }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        guard size > 0 else {
            throw FileFormatError(path: path, message: "'\(path)' is not an HDF5 file: it is empty (0 bytes). It was probably not written completely; save or download it again.")
        }
        let signature: [UInt8] = [0x89, 0x48, 0x44, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
        var offset: UInt64 = 0
        while offset + UInt64(signature.count) <= size {
            try? handle.seek(toOffset: offset)
            if let bytes = try? handle.read(upToCount: signature.count), Array(bytes) == signature { return }
            offset = offset == 0 ? 512 : offset * 2
        }
        try? handle.seek(toOffset: 0)
        let isZip = (try? handle.read(upToCount: 4)).map { Array($0) == [0x50, 0x4B, 0x03, 0x04] } ?? false
        let hint = isZip
            ? "It is a zip archive: a Keras 3 .keras file holds its weights in model.weights.h5 inside; extract that."
            : "Keras weight files are HDF5 (.h5, .weights.h5); check that this is the right file."
        throw FileFormatError(path: path, message: "'\(path)' is not an HDF5 file: the HDF5 signature is missing (\(size) bytes, starting \(describeStart(handle))). \(hint)")
    }

    /// The file's actual and recorded sizes from HDF5's "truncated file: eof = A, ..., stored_eof = B".
    private static func truncationSizes(_ detail: String) -> (actual: String, expected: String)? {
        guard detail.contains("truncated file"),
              let actual = number(after: "eof = ", in: detail), let expected = number(after: "stored_eof = ", in: detail) else { return nil }
        return (actual, expected)
    }

    private static func number(after label: String, in text: String) -> String? {
        guard let range = text.range(of: label) else { return nil }
        let digits = text[range.upperBound...].prefix { $0.isNumber }
        return digits.isEmpty ? nil : String(digits)
    }

    private static func describeStart(_ handle: FileHandle) -> String {
        try? handle.seek(toOffset: 0)
        let bytes = (try? handle.read(upToCount: 8)) ?? Data()
        let printable = bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        return printable ? "\"\(String(decoding: bytes, as: UTF8.self))...\"" : bytes.map { String(format: "%02x", $0) }.joined(separator: " ")
    }
}

/// An HDF5 identifier that is closed when the last reference goes away.
final class HDF5Handle {
    let identifier: hid_t
    private let closer: (hid_t) -> herr_t
    /// The file the object lives in, kept open as long as the object is in use.
    let file: HDF5File

    init(_ identifier: hid_t, in file: HDF5File, close: @escaping (hid_t) -> herr_t) {
        self.identifier = identifier
        self.file = file
        self.closer = close
    }

    deinit {
        // After a strong file close the id is already invalid; closing it again fails harmlessly.
        HDF5Library.perform { _ = closer(identifier) }
    }
}
