#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Lists class folders and image files in the order Keras's `flow_from_directory` does
/// (keras/src/legacy/preprocessing/image.py, `follow_links=False`):
///
/// - classes: `sorted(os.listdir(directory))` keeping entries that are directories, symlinks to
///   directories included (`os.path.isdir` follows links);
/// - files of a class: `os.walk(class_folder)` sorted by the walked folder's path string, then each
///   folder's file names sorted; sub-folders are descended, symlinked sub-folders are not; symlinked
///   files are kept (even dangling ones, which then fail to decode, as in Keras);
/// - a file is an image when its lower-cased name ends with png, jpg, jpeg, bmp, ppm, tif or tiff
///   (Keras tests the ending without a dot, so "xjpg" counts too).
///
/// Python orders strings by code point; comparing UTF-8 bytes gives the same order.
enum ImageFileListing {
    static let imageEndings = ["png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff"]

    static func isImageName(_ name: String) -> Bool {
        let lower = name.lowercased()
        return imageEndings.contains { lower.hasSuffix($0) }
    }

    /// Python's `str` order.
    static func precedes(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }

    /// The class folder names inside `directory`, sorted.
    static func classNames(in directory: String) throws -> [String] {
        try entries(of: directory).filter { isDirectory(directory + "/" + $0) }.sorted(by: precedes)
    }

    /// The image files under `directory/className`, as paths relative to `directory`
    /// ("cats/cat.1.jpg", "cats/more/cat.2.jpg"), in Keras's order. A missing folder yields none.
    static func imageFiles(in directory: String, className: String,
                           accepting isImage: (String) -> Bool = isImageName) -> [String] {
        let top = directory + "/" + className
        // (folder suffix below the class folder, with a leading "/" per component; its file names)
        var folders: [(suffix: String, files: [String])] = []
        var pending = [""]
        while let suffix = pending.popLast() {
            guard let names = try? entries(of: top + suffix) else { continue }
            var files: [String] = []
            for name in names {
                let path = top + suffix + "/" + name
                if isDirectory(path) {
                    if !isSymbolicLink(path) { pending.append(suffix + "/" + name) }
                } else {
                    files.append(name)
                }
            }
            folders.append((suffix, files))
        }
        // Sorting the full paths equals sorting the suffixes: they share the prefix `top`.
        folders.sort { precedes($0.suffix, $1.suffix) }
        var result: [String] = []
        for folder in folders {
            for name in folder.files.sorted(by: precedes) where isImage(name) {
                result.append(className + folder.suffix + "/" + name)
            }
        }
        return result
    }

    static func entries(of path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path)
    }

    /// `os.path.isdir`: follows symbolic links.
    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }

    static func isSymbolicLink(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFLNK
    }
}
