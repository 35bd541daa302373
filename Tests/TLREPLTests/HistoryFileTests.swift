import Foundation
import XCTest
@testable import TLREPL

/// The history file on its own: one entry per input, no repeats, bounded, shared by concurrent writers.
final class HistoryFileTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "tl-history-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: folder)
    }

    func testEntriesAreStoredOnceInOrderAndBlocksStayWhole() throws {
        let history = HistoryFile(path: folder + "/h", limit: 100)
        let block = "for i in range(2):\n\tprint('a b', i)  # \\ done"
        XCTAssertTrue(try history.append("x = 1"))
        XCTAssertFalse(try history.append("x = 1"), "an entry equal to the last one is not stored again")
        XCTAssertTrue(try history.append(block))
        XCTAssertFalse(try history.append("   "))
        XCTAssertTrue(try history.append("x = 1"))
        XCTAssertEqual(history.load(), ["x = 1", block, "x = 1"])
        let text = try String(contentsOfFile: folder + "/h", encoding: .utf8)
        XCTAssertEqual(text.split(separator: "\n").count, 4, "a header and one line per entry:\n\(text)")
        XCTAssertTrue(text.hasPrefix("_HiStOrY_V2_\n"), text)
    }

    func testTheFileIsCutBackToTheLimitKeepingTheNewest() throws {
        let history = HistoryFile(path: folder + "/h", limit: 3)
        for index in 1...7 { try history.append("entry \(index)") }
        XCTAssertEqual(history.load(), ["entry 5", "entry 6", "entry 7"])
        XCTAssertEqual(try String(contentsOfFile: folder + "/h", encoding: .utf8).split(separator: "\n").count, 4)
        XCTAssertFalse(try HistoryFile(path: folder + "/none", limit: 0).append("x"), "a limit of 0 keeps nothing")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/none"))
    }

    func testTheLimitComesFromTheEnvironment() {
        XCTAssertEqual(HistoryFile.limit(fromEnvironment: [:]), 10_000)
        XCTAssertEqual(HistoryFile.limit(fromEnvironment: ["TL_HISTORY_SIZE": "25"]), 25)
        XCTAssertEqual(HistoryFile.limit(fromEnvironment: ["TL_HISTORY_SIZE": "0"]), 0)
        XCTAssertEqual(HistoryFile.limit(fromEnvironment: ["TL_HISTORY_SIZE": "-4"]), 10_000)
        XCTAssertEqual(HistoryFile.limit(fromEnvironment: ["TL_HISTORY_SIZE": "lots"]), 10_000)
    }

    /// Files written by libedit's append_history (each entry twice, vis-encoded) read back once each.
    func testAnOldDoubledLibeditFileReadsBackOnceEach() throws {
        let old = "_HiStOrY_V2_\nx\\040=\\0401\nx\\040=\\0401\nfor\\040i\\040in\\040a:\\012\\040\\040f(i)\nfor\\040i\\040in\\040a:\\012\\040\\040f(i)\nprint(\"\\\\n\")\n"
        try old.write(toFile: folder + "/h", atomically: true, encoding: .utf8)
        let history = HistoryFile(path: folder + "/h", limit: 100)
        XCTAssertEqual(history.load(), ["x = 1", "for i in a:\n  f(i)", "print(\"\\n\")"])
        try history.append("y")
        XCTAssertEqual(history.load(), ["x = 1", "for i in a:\n  f(i)", "print(\"\\n\")", "y"])
    }

    /// Two writers at once (two sessions): every entry arrives, none twice, no line is torn.
    func testConcurrentWritersLoseNothing() throws {
        let path = folder + "/h"
        let perWriter = 150
        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            let history = HistoryFile(path: path, limit: 10_000)
            for index in 0..<perWriter { _ = try? history.append("writer \(writer) entry \(index)") }
        }
        let entries = HistoryFile(path: path, limit: 10_000).load()
        XCTAssertEqual(entries.count, 2 * perWriter)
        XCTAssertEqual(Set(entries).count, 2 * perWriter)
        for writer in 0..<2 {
            XCTAssertEqual(entries.filter { $0.hasPrefix("writer \(writer) ") },
                           (0..<perWriter).map { "writer \(writer) entry \($0)" }, "each writer's entries in its order")
        }
    }
}
