import Foundation
import XCTest
@testable import TLFormats

/// The pieces of reading untrusted HDF5 files in a child: the answer's encoding, what is vouched for,
/// and the message for a crash. (The child itself runs in TLCLITests' DamagedFileFuzzTests.)
final class HDF5IsolationTests: XCTestCase {
    private let sample = KerasWeightFile(layout: .keras3, layers: [
        LayerWeightGroup(layerName: "conv2d", weights: [
            WeightArray(name: "0", shape: [1, 1, 2, 3], values: [1, -2, 3.5, .infinity, 0, -0.25]),
            WeightArray(name: "1", shape: [3], values: [0.5, 1e-30, -7]),
        ]),
        LayerWeightGroup(layerName: "flatten", weights: []),
        LayerWeightGroup(layerName: "dense_é", weights: [WeightArray(name: "0", shape: [0, 4], values: [])]),
    ])

    func testTheAnswerRoundTripsExactly() throws {
        let decoded = try HDF5WeightTransfer.decode(HDF5WeightTransfer.encode(sample), path: "x.h5")
        XCTAssertEqual(decoded, sample)
        let legacy = KerasWeightFile(layout: .legacy, layers: sample.layers)
        XCTAssertEqual(try HDF5WeightTransfer.decode(HDF5WeightTransfer.encode(legacy), path: "x.h5"), legacy)
    }

    func testAnErrorAnswerIsRethrownAndACutOffAnswerIsAnError() {
        XCTAssertThrowsError(try HDF5WeightTransfer.decode(HDF5WeightTransfer.encode(error: "'x.h5' is truncated"), path: "x.h5")) {
            XCTAssertEqual(($0 as? FileFormatError)?.message, "'x.h5' is truncated")
        }
        let whole = HDF5WeightTransfer.encode(sample)
        for length in [0, 3, 7, 20, whole.count / 2, whole.count - 1] {
            XCTAssertThrowsError(try HDF5WeightTransfer.decode(whole.prefix(length), path: "x.h5"), "\(length) bytes") {
                XCTAssertTrue(($0 as? FileFormatError)?.message.contains("'x.h5'") == true, "\($0)")
            }
        }
    }

    func testOnlyUnvouchedRegularFilesGoToTheChildAndAChangeUndoesTheVouching() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tl-isolation-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("w.h5").path
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path))
        XCTAssertNil(HDF5Isolation.childExecutable(forReading: path), "off unless the executable enables it")

        HDF5Isolation.enableChildReading(executable: "/usr/bin/tl-helper")
        defer { HDF5Isolation.enableChildReading(executable: nil) }
        XCTAssertEqual(HDF5Isolation.childExecutable(forReading: path), "/usr/bin/tl-helper")
        XCTAssertNil(HDF5Isolation.childExecutable(forReading: folder.path), "a folder gets its error in process")
        XCTAssertNil(HDF5Isolation.childExecutable(forReading: path + ".missing"))
        HDF5Isolation.vouch(forFileAt: path)
        XCTAssertNil(HDF5Isolation.childExecutable(forReading: path))
        try Data([1, 2, 3, 4]).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(HDF5Isolation.childExecutable(forReading: path), "/usr/bin/tl-helper", "a rewritten file is no longer vouched for")
    }

    func testACrashIsReportedNamingTheFile() {
        XCTAssertEqual(HDF5Isolation.crashError(path: "d.h5", signal: SIGSEGV).message,
                       "'d.h5' is damaged: the HDF5 library crashed (SIGSEGV) while reading it. tl read it in a separate process, so this session is unharmed. Download or save the file again.")
        XCTAssertEqual(HDF5Isolation.crashError(path: "d.h5", signal: SIGINT).message, "Reading 'd.h5' was interrupted.")
    }

    /// A helper executable (a shell script standing in for `tl internal-read-hdf5`) and a regular file for it.
    private func fakeChild(_ script: String) throws -> (executable: String, file: String) {
        let folder = try makeTemporaryDirectory(for: self)
        let executable = folder.appendingPathComponent("helper").path
        try Data(("#!/bin/sh\n" + script + "\n").utf8).write(to: URL(fileURLWithPath: executable))
        XCTAssertEqual(chmod(executable, 0o755), 0)
        let file = folder.appendingPathComponent("w.h5").path
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: file))
        return (executable, file)
    }

    /// Ctrl-C (the check says so) ends a child stuck reading: it is killed and the read says it was interrupted.
    func testAnInterruptionKillsAStuckChild() throws {
        let (executable, file) = try fakeChild("echo $$ > \"$0.pid\"; exec sleep 30")
        HDF5Isolation.enableChildReading(executable: executable)
        let start = Date()
        HDF5Isolation.stopReading(when: { Date().timeIntervalSince(start) > 0.3 })
        defer { HDF5Isolation.enableChildReading(executable: nil); HDF5Isolation.stopReading(when: nil) }
        XCTAssertThrowsError(try HDF5Isolation.readWeightFileIfUnvouched(file)) {
            XCTAssertEqual(($0 as? FileFormatError)?.message, "Reading '\(file)' was interrupted.")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5)
        let pid = try XCTUnwrap(Int32(String(contentsOfFile: executable + ".pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        XCTAssertEqual(kill(pid, 0), -1, "the child is gone (killed and reaped)")
    }

    /// The child meets Ctrl-C with SIGINT's default action even when this process ignores SIGINT (as
    /// `tl run` does, handling it with a dispatch source): an ignored signal would be inherited through exec.
    func testTheChildDiesOfSIGINTEvenWhenTheParentIgnoresIt() throws {
        let (executable, file) = try fakeChild("kill -INT $$; sleep 5")
        HDF5Isolation.enableChildReading(executable: executable)
        defer { HDF5Isolation.enableChildReading(executable: nil) }
        let previous = signal(SIGINT, SIG_IGN)
        defer { signal(SIGINT, previous) }
        let start = Date()
        XCTAssertThrowsError(try HDF5Isolation.readWeightFileIfUnvouched(file)) {
            XCTAssertEqual(($0 as? FileFormatError)?.message, "Reading '\(file)' was interrupted.")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 4)
    }
}
