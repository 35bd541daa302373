import Foundation
import TLScript

extension Session {
    func registerPathCommands() {
        register(CommandSpec(name: "dirname", parameters: [ParameterSpec("path", kind: .string)], aliases: ["os.path.dirname"]) { args, _ in
            let path = try args.string("path")
            guard let slash = path.lastIndex(of: "/") else { return .string("") }
            let head = String(path[..<slash])
            return .string(head.isEmpty ? "/" : head)
        })
        register(CommandSpec(name: "exists", parameters: [ParameterSpec("path", kind: .string)], aliases: ["os.path.exists"]) { args, _ in
            .bool(FileManager.default.fileExists(atPath: try args.string("path")))
        })
    }
}
