import Foundation
import XCTest

/// The real `tl kernel`, driven by Jupyter's own client (jupyter_client) as JupyterLab would drive it.
final class KernelSessionTests: XCTestCase {
    func testAKernelSessionAnswersEveryKindOfRequest() throws {
        let tools = try JupyterTools()
        defer { tools.removeScratch() }
        let session = try tools.driver(["session"], timeout: 240)

        let languageInfo = session.object("kernel_info").object("language_info")
        XCTAssertEqual(languageInfo.string("name"), "tl")
        XCTAssertEqual(languageInfo.string("file_extension"), ".tl")
        XCTAssertEqual(languageInfo.string("pygments_lexer"), "python")
        XCTAssertEqual(session.object("kernel_info").string("protocol_version"), "5.3")

        // The last expression's value is the cell's result; the cell was counted.
        let value = session.object("value")
        XCTAssertEqual(value.object("reply").string("status"), "ok")
        let result = try XCTUnwrap(outputs(value, "execute_result").first)
        XCTAssertEqual(result.object("data").string("text/plain"), "42")
        XCTAssertEqual(result["execution_count"] as? Int, value.object("reply")["execution_count"] as? Int)
        XCTAssertEqual(outputs(value, "status").first?.string("execution_state"), "busy")

        XCTAssertEqual(outputs(session.object("print"), "stream").map { $0.string("text") ?? "" }.joined(), "hello from tl\n")

        // plt.show() sends the figure itself, as a PNG.
        let displays = outputs(session.object("plot"), "display_data")
        XCTAssertEqual(displays.count, 1, "\(session.object("plot"))")
        let png = try XCTUnwrap(Data(base64Encoded: displays.first?.object("data").string("image/png") ?? ""))
        XCTAssertTrue(png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "not a PNG")
        XCTAssertGreaterThan(png.count, 1000)
        XCTAssertFalse(outputs(session.object("plot"), "stream").contains { ($0.string("text") ?? "").contains("saved plot") },
                       "the kernel's private figure path should not be printed")

        // Errors carry tl's rendering as the traceback and a Python exception name.
        let error = session.object("error").object("reply")
        XCTAssertEqual(error.string("status"), "error")
        XCTAssertEqual(error.string("ename"), "NameError")
        XCTAssertEqual((error["traceback"] as? [String])?.first, "In[4]:2:1: name 'undefined_name' is not defined")
        XCTAssertEqual(outputs(session.object("error"), "error").count, 1)

        // %matplotlib inline is ignored; a shell escape is refused with a message saying why.
        XCTAssertEqual(outputs(session.object("magic"), "execute_result").first?.object("data").string("text/plain"), "5")
        XCTAssertEqual(session.object("shell_escape").object("reply").string("status"), "error")
        XCTAssertTrue(session.object("shell_escape").object("reply").string("evalue")?.contains("not tl") == true)
        // A cell queued behind a failing one is aborted, as IPython does after an error.
        let queued = session.object("queued_after_error")
        XCTAssertEqual(queued.object("first").string("ename"), "NameError")
        XCTAssertEqual(queued.object("second").string("status"), "aborted", "\(queued)")
        XCTAssertFalse((queued["second_outputs"] as? [String] ?? []).contains("stream"), "\(queued)")
        // Only cells already queued when it failed: one sent once its error reply was out runs.
        XCTAssertEqual(queued.object("third").string("status"), "ok", "\(queued)")
        XCTAssertEqual(queued["third_outputs"] as? [String], ["sent after the error\n"], "\(queued)")
        try checkIntrospection(session)
        try checkInterruptAndRestart(session)
    }

    private func checkIntrospection(_ session: [String: Any]) throws {
        let completion = session.object("complete")
        XCTAssertTrue((completion["matches"] as? [String])?.contains("fit") == true, "\(completion)")
        XCTAssertEqual(completion["cursor_start"] as? Int, 0)
        XCTAssertEqual(completion["cursor_end"] as? Int, 2)
        // Inside a call, the command's keyword arguments complete too.
        XCTAssertEqual(session.object("complete_keyword")["matches"] as? [String], ["epochs="])
        XCTAssertEqual(session.object("complete_keyword")["cursor_start"] as? Int, 24)

        let inspection = session.object("inspect")
        XCTAssertEqual(inspection["found"] as? Bool, true)
        XCTAssertTrue(inspection.object("data").string("text/plain")?.contains("trains the model and returns its History") == true,
                      "\(inspection)")
        XCTAssertEqual(session.object("inspect_unknown")["found"] as? Bool, false)

        XCTAssertEqual(session.object("is_complete_block").string("status"), "incomplete")
        XCTAssertEqual(session.object("is_complete_block").string("indent"), "    ")
        XCTAssertEqual(session.object("is_complete_line").string("status"), "complete")

        let history = try XCTUnwrap(session.object("history")["history"] as? [[Any]])
        XCTAssertEqual(history.map { $0[1] as? Int }, [6, 7])
        XCTAssertEqual(history.first?[2] as? String, "!ls")
    }

    private func checkInterruptAndRestart(_ session: [String: Any]) throws {
        // The million-step fit stopped at the next batch after the interrupt, keeping what it had.
        let interrupt = session.object("interrupt")
        let seconds = try XCTUnwrap(interrupt["seconds_to_stop"] as? Double, "the progress bar never showed: \(interrupt)")
        XCTAssertLessThan(seconds, 20)
        let streamed = interrupt.list("outputs").filter { $0.string("type") == "stream" }
            .map { $0.object("content").string("text") ?? "" }.joined()
        XCTAssertTrue(streamed.hasPrefix("Epoch 1/10\n"), streamed)
        XCTAssertTrue(streamed.contains("interrupted at epoch 1"), streamed)
        XCTAssertFalse(streamed.contains("\u{1B}"), "terminal escapes reached the notebook: \(streamed.debugDescription)")
        // The progress bar is one display updated in place, not a line per batch.
        let displays = interrupt.list("outputs").filter { $0.string("type") == "display_data" }.map { $0.object("content") }
        let updates = interrupt.list("outputs").filter { $0.string("type") == "update_display_data" }.map { $0.object("content") }
        XCTAssertEqual(displays.count, 1, "\(displays)")
        XCTAssertGreaterThanOrEqual(updates.count, 2)
        let displayIDs = Set((displays + updates).map { $0.object("transient").string("display_id") ?? "none" })
        XCTAssertEqual(displayIDs.count, 1, "\(displayIDs)")
        XCTAssertTrue(updates.last?.object("data").string("text/plain")?.contains("/100000 [") == true, "\(updates.last ?? [:])")

        // The next cell runs in the same session.
        let after = session.object("after_interrupt")
        XCTAssertEqual(after.object("reply").string("status"), "ok")
        XCTAssertTrue(outputs(after, "execute_result").first?.object("data").string("text/plain")?.contains("History") == true, "\(after)")

        // The same through an interrupt_request on the control channel.
        let byMessage = session.object("interrupt_request")
        XCTAssertLessThan(try XCTUnwrap(byMessage["seconds_to_stop"] as? Double, "\(byMessage)"), 20)
        XCTAssertEqual(byMessage.object("control_reply").string("type"), "interrupt_reply")
        XCTAssertEqual(byMessage.object("control_reply")["answers"] as? Bool, true)
        XCTAssertTrue(byMessage.list("outputs").contains { $0.object("content").string("text")?.contains("interrupted at epoch 1") == true })

        // A restart gives a fresh session.
        XCTAssertEqual(session.object("after_restart_old_variable").object("reply").string("ename"), "NameError")
        XCTAssertEqual(outputs(session.object("after_restart"), "execute_result").first?.object("data").string("text/plain"), "42")
        XCTAssertEqual(session.object("after_restart").object("reply")["execution_count"] as? Int, 2)
        XCTAssertEqual(session["shutdown_clean"] as? Bool, true)
    }

    private func outputs(_ execution: [String: Any], _ type: String) -> [[String: Any]] {
        execution.list("outputs").filter { $0.string("type") == type }.map { $0.object("content") }
    }
}
