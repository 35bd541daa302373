import XCTest
@testable import TLTorchWeights
import TLFormats

final class TorchCheckpointTests: XCTestCase {
    private var folder = ""

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tltorch-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let created = folder
        addTeardownBlock { try? FileManager.default.removeItem(atPath: created) }
    }

    private func assertExpectedTensors(_ tensors: [WeightArray], file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(tensors.map(\.name), CheckpointFixtures.expected.map(\.name), file: file, line: line)
        for (tensor, expected) in zip(tensors, CheckpointFixtures.expected) {
            XCTAssertEqual(tensor.shape, expected.shape, tensor.name, file: file, line: line)
            XCTAssertEqual(tensor.values, expected.values, tensor.name, file: file, line: line)
        }
    }

    func testLegacyFormat() throws {
        let path = try CheckpointFixtures.write(CheckpointFixtures.legacyCheckpoint(), named: "legacy.pth", in: folder)
        assertExpectedTensors(try TorchCheckpoint.read(path: path))
    }

    func testZipFormat() throws {
        let path = try CheckpointFixtures.write(CheckpointFixtures.zipCheckpoint(), named: "zip.pth", in: folder)
        assertExpectedTensors(try TorchCheckpoint.read(path: path))
    }

    func testMaliciousGlobalIsRefusedInBothFormats() throws {
        let legacy = CheckpointFixtures.legacyCheckpoint(stateDict: CheckpointFixtures.maliciousPickle)
        let zip = CheckpointFixtures.zipCheckpoint(stateDict: CheckpointFixtures.maliciousPickle)
        for (name, bytes) in [("evil.pth", legacy), ("evil_zip.pth", zip)] {
            let path = try CheckpointFixtures.write(bytes, named: name, in: folder)
            XCTAssertThrowsError(try TorchCheckpoint.read(path: path)) { error in
                XCTAssertEqual(error as? TorchCheckpointError, .refusedGlobal(path: path, global: "os.system"))
                XCTAssertTrue("\(error)".hasPrefix("refusing to load \(name): it references os.system, which tl does not execute"), "\(error)")
            }
        }
    }

    func testStackGlobalIsCheckedToo() throws {
        var p = PickleWriter()
        p.proto(4); p.stackGlobal("builtins", "eval"); p.shortBinUnicode("1+1"); p.tuple1(); p.reduce(); p.stop()
        let path = try CheckpointFixtures.write(CheckpointFixtures.zipCheckpoint(stateDict: p.bytes), named: "eval.pth", in: folder)
        XCTAssertThrowsError(try TorchCheckpoint.read(path: path)) { error in
            XCTAssertEqual(error as? TorchCheckpointError, .refusedGlobal(path: path, global: "builtins.eval"))
        }
    }

    /// Every proper prefix of a valid file must fail with an error, never crash or succeed.
    func testEveryTruncationIsAnError() throws {
        for (format, bytes) in [("legacy", CheckpointFixtures.legacyCheckpoint()), ("zip", CheckpointFixtures.zipCheckpoint())] {
            for length in 0..<bytes.count {
                XCTAssertThrowsError(try TorchCheckpoint.read(bytes: Array(bytes.prefix(length)), path: "cut.pth"),
                                     "\(format) cut to \(length) bytes") { error in
                    XCTAssertEqual((error as? TorchCheckpointError)?.path, "cut.pth")
                }
            }
        }
    }

    func testTruncatedStorageIsReportedAsTruncation() throws {
        let bytes = CheckpointFixtures.legacyCheckpoint().dropLast(3)
        let path = try CheckpointFixtures.write(Array(bytes), named: "short.pth", in: folder)
        XCTAssertThrowsError(try TorchCheckpoint.read(path: path)) { error in
            XCTAssertEqual(error as? TorchCheckpointError, .truncated(path: path, what: "storage 1"))
            XCTAssertTrue("\(error)".contains("short.pth is truncated"))
        }
    }

    func testDamagedZipEntryFailsItsChecksum() throws {
        var bytes = CheckpointFixtures.zipCheckpoint()
        // Flip one byte of storage "0" (float 1.0 = 00 00 80 3f), located through the reader's own directory.
        let archive = try ZipArchive(bytes: bytes, path: "z.pth")
        let entry = try XCTUnwrap(archive.entry(named: "archive/data/0"))
        bytes[entry.range.lowerBound + 2] ^= 0xFF
        XCTAssertThrowsError(try TorchCheckpoint.read(bytes: bytes, path: "z.pth")) { error in
            XCTAssertEqual(error as? TorchCheckpointError,
                           .malformed(path: "z.pth", reason: "zip entry archive/data/0 fails its CRC-32 check"))
        }
    }

    func testTensorReachingPastItsStorageIsRejected() throws {
        // fc.bias claims storage "1" has 4 halves; with a 3-element record the last element is missing.
        var entries: [(String, [UInt8])] = [
            ("archive/data.pkl", CheckpointFixtures.stateDictPickle(legacyIDs: false)),
            ("archive/data/0", CheckpointFixtures.weightBytes),
            ("archive/data/1", Array(CheckpointFixtures.biasBytes.prefix(6))),
        ]
        XCTAssertThrowsError(try TorchCheckpoint.read(bytes: ZipWriter.archive(entries.map { ($0.0, $0.1) }), path: "p.pth")) { error in
            XCTAssertEqual(error as? TorchCheckpointError, .truncated(path: "p.pth", what: "storage 1 (6 of 8 bytes)"))
        }
        entries.removeLast()
        XCTAssertThrowsError(try TorchCheckpoint.read(bytes: ZipWriter.archive(entries.map { ($0.0, $0.1) }), path: "p.pth")) { error in
            XCTAssertTrue("\(error)".contains("storage 1 has no entry archive/data/1"), "\(error)")
        }
    }

    func testNotACheckpoint() throws {
        let path = try CheckpointFixtures.write(Array("hello, world".utf8), named: "notes.txt", in: folder)
        XCTAssertThrowsError(try TorchCheckpoint.read(path: path)) { error in
            guard case .notACheckpoint(path, _)? = error as? TorchCheckpointError else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try TorchCheckpoint.read(path: folder + "/missing.pth")) { error in
            guard case .unreadable(folder + "/missing.pth", _)? = error as? TorchCheckpointError else { return XCTFail("\(error)") }
        }
        // A pickle that is not PyTorch's magic number.
        var p = PickleWriter()
        p.proto(2); p.binInt1(7); p.stop()
        XCTAssertThrowsError(try TorchCheckpoint.read(bytes: p.bytes, path: "seven.pkl")) { error in
            guard case .notACheckpoint? = error as? TorchCheckpointError else { return XCTFail("\(error)") }
        }
    }

    func testWrappedStateDictIsUnwrapped() throws {
        // {"epoch": 3, "state_dict": <the fixture's OrderedDict>}: drop the fixture's PROTO and STOP and nest it.
        let inner = CheckpointFixtures.stateDictPickle(legacyIDs: false)
        var p = PickleWriter()
        p.proto(2); p.emptyDict(); p.mark()
        p.shortBinUnicode("epoch"); p.binInt1(3)
        p.shortBinUnicode("state_dict")
        var bytes = p.bytes + inner.dropFirst(2).dropLast()
        bytes += [0x75, 0x2E]  // SETITEMS, STOP
        assertExpectedTensors(try TorchCheckpoint.read(bytes: CheckpointFixtures.zipCheckpoint(stateDict: bytes), path: "w.pth"))
    }
}
