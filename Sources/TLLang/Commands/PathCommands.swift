import Foundation
import TLScript

extension Session {
    func registerPathCommands() {
        command("dirname", parameters: [ParameterSpec("path", kind: .string)], aliases: ["os.path.dirname"]) { _, args, _ in
            let path = try args.string("path")
            guard let slash = path.lastIndex(of: "/") else { return .string("") }
            let head = String(path[..<slash])
            return .string(head.isEmpty ? "/" : head)
        }
        command("exists", parameters: [ParameterSpec("path", kind: .string)], aliases: ["os.path.exists"]) { _, args, _ in
            .bool(FileManager.default.fileExists(atPath: try args.string("path")))
        }
        registerFolderCommands()
    }

    /// What the book's data-preparation and picture listings use: `os.listdir`, `os.mkdir`,
    /// `os.makedirs`, `os.path.basename/isdir/isfile`, `shutil.copyfile`.
    private func registerFolderCommands() {
        let files = FileManager.default
        func missing(_ path: String) -> ScriptError {
            ScriptError(.fileNotFound, "[Errno 2] No such file or directory: \(Value.string(path).repr)")
        }
        command("listdir", parameters: [ParameterSpec("path", default: ".", kind: .string)], aliases: ["os.listdir"]) { _, args, _ in
            let path = try args.string("path")
            guard let names = try? files.contentsOfDirectory(atPath: path) else { throw missing(path) }
            return .list(names.map { .string($0) })
        }
        command("basename", parameters: [ParameterSpec("path", kind: .string)], aliases: ["os.path.basename"]) { _, args, _ in
            let path = try args.string("path")
            return .string(path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path)
        }
        command("isdir", parameters: [ParameterSpec("path", kind: .string)], aliases: ["os.path.isdir"]) { _, args, _ in
            var isFolder: ObjCBool = false
            return .bool(files.fileExists(atPath: try args.string("path"), isDirectory: &isFolder) && isFolder.boolValue)
        }
        command("isfile", parameters: [ParameterSpec("path", kind: .string)], aliases: ["os.path.isfile"]) { _, args, _ in
            var isFolder: ObjCBool = false
            return .bool(files.fileExists(atPath: try args.string("path"), isDirectory: &isFolder) && !isFolder.boolValue)
        }
        command("mkdir", parameters: [ParameterSpec("path", kind: .string)], aliases: ["os.mkdir"]) { _, args, _ in
            let path = try args.string("path")
            if files.fileExists(atPath: path) { throw ScriptError(.runtime, "FileExistsError: [Errno 17] File exists: \(Value.string(path).repr)") }
            do { try files.createDirectory(atPath: path, withIntermediateDirectories: false) } catch { throw missing(path) }
            return .none
        }
        command("makedirs", parameters: [ParameterSpec("name", kind: .string), ParameterSpec("exist_ok", default: false, kind: .bool)],
                aliases: ["os.makedirs"]) { _, args, _ in
            let path = try args.string("name")
            if files.fileExists(atPath: path) {
                if try args.bool("exist_ok") { return .none }
                throw ScriptError(.runtime, "FileExistsError: [Errno 17] File exists: \(Value.string(path).repr)")
            }
            try files.createDirectory(atPath: path, withIntermediateDirectories: true)
            return .none
        }
        command("copyfile", parameters: [ParameterSpec("src", kind: .string), ParameterSpec("dst", kind: .string)],
                aliases: ["shutil.copyfile"]) { _, args, _ in
            let source = try args.string("src"), destination = try args.string("dst")
            guard let data = files.contents(atPath: source) else { throw missing(source) }
            // As shutil.copyfile: the destination is replaced; written atomically like every file tl writes.
            do { try data.write(to: URL(fileURLWithPath: destination), options: .atomic) } catch { throw missing(destination) }
            return .string(destination)
        }
    }
}
