import Foundation

extension SharedFiles {
    /// A small cats-and-dogs folder made in `directory`: the first `count` real photos of each class and
    /// split of the shared set, in the walkthrough's layout (`train/cats`, `validation/dogs`, ...).
    public static func makeSmallCatsAndDogs(in directory: URL, count: Int) throws -> URL {
        let root = directory.appendingPathComponent("data")
        for split in ["train", "validation", "test"] {
            for label in ["cats", "dogs"] {
                let folder = root.appendingPathComponent("\(split)/\(label)")
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                let source = data.appendingPathComponent("\(split)/\(label)")
                let files = try FileManager.default.contentsOfDirectory(atPath: source.path).sorted().prefix(count)
                for file in files {
                    try FileManager.default.copyItem(at: source.appendingPathComponent(file), to: folder.appendingPathComponent(file))
                }
            }
        }
        return root
    }

    /// A one-folder-per-class photo set in `directory/photos` (`photos/cats`, `photos/dogs`, ...): the first
    /// `count` training photos of each class of the shared set, as a user's own unsplit folder.
    public static func makeClassFolders(in directory: URL, counts: [(label: String, count: Int)]) throws -> String {
        let root = directory.appendingPathComponent("photos")
        for (label, count) in counts {
            let target = root.appendingPathComponent(label)
            try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
            let source = data.appendingPathComponent("train/\(label)")
            for name in try FileManager.default.contentsOfDirectory(atPath: source.path).sorted().prefix(count) {
                try FileManager.default.copyItem(at: source.appendingPathComponent(name), to: target.appendingPathComponent(name))
            }
        }
        return root.path
    }
}
