import Foundation
import TLFileSystem

/// The kernelspec that tells Jupyter how to start tl: `kernels/NAME/kernel.json` in one of Jupyter's
/// data folders, so that `jupyter kernelspec list` shows it.
public enum KernelSpec {
    /// Where the kernelspec goes: `PREFIX/share/jupyter/kernels/NAME` with a prefix; the user's Jupyter
    /// data folder with `user` (`$JUPYTER_DATA_DIR`, else `$XDG_DATA_HOME/jupyter`, else
    /// `~/.local/share/jupyter`); otherwise the system-wide `/usr/local/share/jupyter`.
    public static func directory(name: String, user: Bool, prefix: String?,
                                 environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let dataDirectory: String
        if let prefix {
            dataDirectory = prefix + "/share/jupyter"
        } else if user {
            let home = environment["HOME"] ?? NSHomeDirectory()
            dataDirectory = environment["JUPYTER_DATA_DIR"]
                ?? environment["XDG_DATA_HOME"].map { $0 + "/jupyter" } ?? home + "/.local/share/jupyter"
        } else {
            dataDirectory = "/usr/local/share/jupyter"
        }
        return URL(fileURLWithPath: dataDirectory).appendingPathComponent("kernels").appendingPathComponent(name)
    }

    /// kernel.json: Jupyter runs `EXECUTABLE kernel -f CONNECTION_FILE` and interrupts with SIGINT.
    public static func json(executable: String, displayName: String) -> JSON {
        [
            "argv": [.string(executable), "kernel", "-f", "{connection_file}"],
            "display_name": .string(displayName),
            "language": "tl",
            "interrupt_mode": "signal",
            "metadata": [:],
        ]
    }

    /// Writes the kernelspec and returns its folder. `executable` should be an absolute path: Jupyter
    /// starts kernels from the notebook's folder.
    @discardableResult
    public static func install(name: String, user: Bool, prefix: String?, executable: String) throws -> URL {
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0) }) else {
            throw JupyterError("kernel name '\(name)' is not allowed: use letters, digits, '.', '_' and '-' (Jupyter's rule)")
        }
        let folder = directory(name: name, user: user, prefix: prefix)
        let displayName = name == "tl" ? "tl" : "tl (\(name))"
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try writeAtomically(json(executable: executable, displayName: displayName).prettyPrinted + Data("\n".utf8),
                                to: folder.appendingPathComponent("kernel.json").path)
        } catch {
            let hint = user || prefix != nil ? "" : " (the system-wide folder needs root: try --user)"
            throw JupyterError("cannot write the kernelspec in '\(folder.path)': \(error.localizedDescription)\(hint)")
        }
        return folder
    }
}
