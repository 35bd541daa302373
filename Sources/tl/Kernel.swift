import ArgumentParser
import Foundation
import TLJupyter
import TLLang
import TLTensor

/// `tl kernel -f CONNECTION_FILE` (what Jupyter runs) and `tl kernel install` (the kernelspec).
struct KernelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kernel",
        abstract: "tl as a Jupyter kernel.",
        discussion: "Run `tl kernel install --user` once; Jupyter then offers tl for notebooks and starts `tl kernel -f FILE` itself.",
        subcommands: [KernelStart.self, KernelInstall.self],
        defaultSubcommand: KernelStart.self)
}

struct KernelStart: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "start", abstract: "Serve the Jupyter connection file Jupyter passes.")

    @Option(name: .customShort("f"), help: ArgumentHelp("The connection file Jupyter writes (ports and signing key).", valueName: "CONNECTION_FILE"))
    var connectionFile: String

    func run() throws {
        let kernel: Kernel
        do {
            kernel = try Kernel(connectionFile: connectionFile, afterEachStatement: MemoryReuse.releaseFreedMemory)
        } catch let error as JupyterError {
            throw ValidationError(error.description)
        }
        kernel.run()
    }
}

struct KernelInstall: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "install", abstract: "Write the kernelspec so Jupyter lists tl.")

    @Flag(help: "Install for the current user (Jupyter's user data folder) rather than system-wide.")
    var user = false

    @Option(help: ArgumentHelp("Install under DIR/share/jupyter (e.g. a virtualenv's folder).", valueName: "DIR"))
    var prefix: String?

    @Option(help: "The kernel's name in Jupyter.")
    var name = "tl"

    func run() throws {
        // Jupyter starts kernels from the notebook's folder: the kernelspec needs this binary's absolute path.
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        let prefix = prefix.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        do {
            let folder = try KernelSpec.install(name: name, user: user, prefix: prefix, executable: executable)
            print("installed kernelspec '\(name)' in \(folder.path)")
        } catch let error as JupyterError {
            throw ValidationError(error.description)
        }
    }
}

/// The `.ipynb` branch of `tl run`: the notebook's code cells in order, and report.ipynb with --report.
func runNotebook(_ path: String, in session: Session) throws {
    try NotebookRun(path: path, session: session, reportDirectory: session.interpreter.report?.directory).run()
}
