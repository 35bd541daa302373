import Foundation
import TLFormats
import XCTest

final class AtomicFileTests: XCTestCase {
    func testWritesReplacesAndLeavesNoTemporaryFiles() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let path = directory.appendingPathComponent("report.txt").path
        try writeAtomically(Data("first".utf8), to: path)
        try writeAtomically(Data("second, longer".utf8), to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second, longer")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["report.txt"])
    }

    func testFailingWriterLeavesTheOldFileAlone() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let path = directory.appendingPathComponent("keep.txt").path
        try writeAtomically(Data("old".utf8), to: path)
        struct Interrupted: Error {}
        XCTAssertThrowsError(try writeAtomically(to: path) { temporaryPath in
            try Data("half of the new".utf8).write(to: URL(fileURLWithPath: temporaryPath))
            throw Interrupted()
        })
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "old")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory.path), ["keep.txt"])
    }

    func testMissingFolderIsReported() throws {
        let path = try makeTemporaryDirectory(for: self).appendingPathComponent("absent/out.bin").path
        assertThrowsMessage(["absent", "does not exist"]) { try writeAtomically(Data([1]), to: path) }
    }
}
