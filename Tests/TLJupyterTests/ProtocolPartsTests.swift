import Foundation
import Glibc
import Synchronization
@testable import TLJupyter
import TLLang
import XCTest

/// The kernel's parts that need no Jupyter: signing, connection files, notebooks, the name at the cursor.
final class ProtocolPartsTests: XCTestCase {
    /// A cell's error carries the Python class the interpreter gives it (what `except` matches), raised
    /// classes and recursion included (a cell runs on the interpreter's evaluation stack, so runaway
    /// recursion is RecursionError, not a stack overflow).
    func testCellErrorsAreNamedAsTheInterpreterClassesThem() throws {
        let runner = CellRunner(session: Session(output: { _ in }))
        func name(_ code: String) -> String? {
            guard case .some(let error) = runner.run(code, cellName: "In[1]", sink: { _ in }) else { return nil }
            return CellError(error).name
        }
        XCTAssertEqual(name("undefined_name"), "NameError")
        XCTAssertEqual(name("raise Exception('x')"), "Exception")
        XCTAssertEqual(name("raise KeyError('k')"), "KeyError")
        XCTAssertEqual(name("def f(n):\n    return f(n + 1)\nf(0)"), "RecursionError")
        XCTAssertEqual(name("1 / 0"), "ZeroDivisionError")
    }

    func testSignaturesAreHMACSHA256() {
        // RFC 4231, test case 2.
        let signer = MessageSigner(key: "Jefe")
        XCTAssertEqual(signer.signature(of: [Data("what do ya ".utf8), Data("want for nothing?".utf8)]),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let parts = [Data("{}".utf8), Data("{}".utf8), Data("{}".utf8), Data("{\"code\": \"1\"}".utf8)]
        XCTAssertTrue(signer.verify(Data(signer.signature(of: parts).utf8), of: parts))
        XCTAssertFalse(signer.verify(Data(signer.signature(of: parts).utf8), of: parts.reversed()))
        XCTAssertEqual(MessageSigner(key: "").signature(of: parts), "")
    }

    func testAMessageSurvivesTheWireAndATamperedOneIsRefused() throws {
        let signer = MessageSigner(key: "secret")
        let message = JupyterMessage(type: "execute_request", content: ["code": "1 + 1"], parent: nil, session: "s",
                                     identities: [Data("client".utf8)])
        let decoded = try JupyterMessage(frames: message.frames(signer: signer), signer: signer)
        XCTAssertEqual(decoded.content, ["code": "1 + 1"])
        XCTAssertEqual(decoded.identities, [Data("client".utf8)])
        XCTAssertEqual(decoded.header["version"], "5.3")
        var frames = message.frames(signer: signer)
        frames[frames.count - 1] = Data("{\"code\": \"evil()\"}".utf8)
        XCTAssertThrowsError(try JupyterMessage(frames: frames, signer: signer)) { error in
            XCTAssertTrue("\(error)".contains("wrong signature"), "\(error)")
        }
    }

    func testABadConnectionFileNamesTheFileAndTheField() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tl-connection-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let good: [String: Any] = ["ip": "127.0.0.1", "transport": "tcp", "shell_port": 1, "iopub_port": 2, "stdin_port": 3,
                                   "control_port": 4, "hb_port": 5, "key": "k", "signature_scheme": "hmac-sha256"]
        try JSONSerialization.data(withJSONObject: good).write(to: file)
        XCTAssertEqual(try ConnectionInfo(contentsOf: file.path).endpoint(port: 1), "tcp://127.0.0.1:1")

        func message(_ fields: [String: Any]) throws -> String {
            try JSONSerialization.data(withJSONObject: fields).write(to: file)
            do {
                _ = try ConnectionInfo(contentsOf: file.path)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        XCTAssertEqual(try message(good.filter { $0.key != "shell_port" }), "the connection file '\(file.path)' has no 'shell_port' field")
        XCTAssertEqual(try message(good.merging(["hb_port": "five"]) { $1 }),
                       "the connection file '\(file.path)': field 'hb_port' must be a port number, not \"five\"")
        XCTAssertTrue(try message(good.merging(["signature_scheme": "hmac-md5"]) { $1 }).contains("field 'signature_scheme'"))
        try Data("{not json".utf8).write(to: file)
        XCTAssertThrowsError(try ConnectionInfo(contentsOf: file.path)) { error in
            XCTAssertTrue("\(error)".hasPrefix("the connection file '\(file.path)' is not valid JSON"), "\(error)")
        }
        XCTAssertThrowsError(try ConnectionInfo(contentsOf: "/no/such/connection.json")) { error in
            XCTAssertTrue("\(error)".contains("'/no/such/connection.json'"), "\(error)")
        }
    }

    func testNotebookCellsAreReadFromEitherSourceLayout() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tl-notebook-\(UUID().uuidString).ipynb")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("""
            {"nbformat": 4, "nbformat_minor": 2, "metadata": {}, "cells": [
             {"cell_type": "markdown", "metadata": {}, "source": "# Title"},
             {"cell_type": "code", "metadata": {}, "execution_count": null, "outputs": [], "source": ["a = 1\\n", "a"]}]}
            """.utf8).write(to: file)
        let notebook = try Notebook(contentsOf: file.path)
        XCTAssertEqual(notebook.cells.map(\.kind), [.markdown, .code])
        XCTAssertEqual(notebook.cells.last?.source, "a = 1\na")
        try Data(#"{"nbformat": 3, "worksheets": []}"#.utf8).write(to: file)
        XCTAssertThrowsError(try Notebook(contentsOf: file.path)) { error in
            XCTAssertTrue("\(error)".contains("nbformat 3"), "\(error)")
        }
    }

    func testProgressRedrawsCollapseToTheirLastStateInReports() {
        XCTAssertEqual(terminalText("Epoch 1/1\n\r 1/2 [==>...]\u{1B}[K\r 2/2 [=====] - 1s\n"), "Epoch 1/1\n 2/2 [=====] - 1s\n")
    }

    func testLinesRedrawnAfterACarriageReturnAreProgressNotStreams() {
        XCTAssertEqual(CellRunner.classify("\r 37/100 [==>...] - ETA: 5s\u{1B}[K"), .progress(line: " 37/100 [==>...] - ETA: 5s", finished: false))
        XCTAssertEqual(CellRunner.classify("\r100/100 [=====] - 2s\u{1B}[K\n"), .progress(line: "100/100 [=====] - 2s", finished: true))
        XCTAssertEqual(CellRunner.classify("Epoch 2/3\n"), .stream(name: "stdout", text: "Epoch 2/3\n"))
        XCTAssertEqual(CellRunner.classify("\rtwo\nlines\n"), .stream(name: "stdout", text: "\rtwo\nlines\n"))
    }

    func testWhatIsWrittenToACapturedDescriptorIsForwardedWholeCharacterByCharacter() throws {
        let descriptor = open("/dev/null", O_WRONLY)
        defer { close(descriptor) }
        let received = Mutex<String>("")
        let capture = try OutputCapture(descriptor: descriptor, name: "stderr") { name, text in
            received.withLock { $0 += "\(name): \(text)" }
        }
        // "é" split across two writes must arrive as one character.
        let bytes = Array("HDF5-DIAG: é\n".utf8)
        _ = bytes[..<12].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        usleep(50_000)
        _ = bytes[12...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let deadline = Date().addingTimeInterval(5)
        while !received.withLock({ $0.hasSuffix("\n") }) && Date() < deadline { usleep(10_000) }
        XCTAssertEqual(received.withLock { $0 }.replacingOccurrences(of: "stderr: ", with: ""), "HDF5-DIAG: é\n")
        withExtendedLifetime(capture) {}
        XCTAssertEqual(OutputCapture.completeUTF8Prefix([0x61, 0xC3]), 1)
        XCTAssertEqual(OutputCapture.completeUTF8Prefix([0x61, 0xC3, 0xA9]), 3)
        XCTAssertEqual(OutputCapture.completeUTF8Prefix([0xE2, 0x82]), 0)
    }

    func testTheNameAtTheCursorIsTheWholeDottedName() {
        XCTAssertEqual(Introspection.name(in: "model.fit(x)", at: 7), "model.fit")
        XCTAssertEqual(Introspection.name(in: "model.fit(", at: 10), "model.fit")
        XCTAssertEqual(Introspection.name(in: "a = len", at: 7), "len")
        XCTAssertEqual(Introspection.name(in: "   ", at: 1), "")
    }

    func testKernelSpecRunsThisBinaryAndIsInterruptedBySignal() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("tl-kernelspec-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: prefix) }
        let folder = try KernelSpec.install(name: "tl", user: false, prefix: prefix.path, executable: "/opt/tl/bin/tl")
        XCTAssertEqual(folder.path, prefix.path + "/share/jupyter/kernels/tl")
        let spec = try JSON(parsing: Data(contentsOf: folder.appendingPathComponent("kernel.json")), what: "kernel.json")
        XCTAssertEqual(spec["argv"], ["/opt/tl/bin/tl", "kernel", "-f", "{connection_file}"])
        XCTAssertEqual(spec["interrupt_mode"], "signal")
        XCTAssertEqual(spec["language"], "tl")
        XCTAssertEqual(KernelSpec.directory(name: "tl", user: true, prefix: nil, environment: ["HOME": "/home/u"]).path,
                       "/home/u/.local/share/jupyter/kernels/tl")
        XCTAssertThrowsError(try KernelSpec.install(name: "bad name!", user: false, prefix: prefix.path, executable: "/x"))
    }
}
