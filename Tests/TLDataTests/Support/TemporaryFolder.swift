import Foundation
import TLTestSupport

/// A fresh folder under the system temporary directory, removed by `remove()`.
struct TemporaryFolder {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "tl-data-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    @discardableResult
    func folder(_ relative: String) throws -> String {
        let full = path + "/" + relative
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        return full
    }

    func write(_ relative: String, _ data: Data) throws {
        try folder((relative as NSString).deletingLastPathComponent)
        try data.write(to: URL(fileURLWithPath: path + "/" + relative))
    }

    /// Copies one of the shared cats/dogs photos (path relative to cats_and_dogs_small).
    func copyPhoto(_ shared: String, to relative: String) throws {
        try write(relative, try Data(contentsOf: SharedFiles.data.appendingPathComponent(shared)))
    }

    func link(_ relative: String, to destination: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path + "/" + relative, withDestinationPath: destination)
    }
}
