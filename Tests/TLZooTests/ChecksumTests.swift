import XCTest
@testable import TLZoo

/// Digests against the published test vectors (RFC 1321 appendix A.5, FIPS 180-2 appendix B).
final class ChecksumTests: XCTestCase {
    func testMD5Vectors() {
        XCTAssertEqual(Checksum.md5(Data()), "d41d8cd98f00b204e9800998ecf8427e")
        XCTAssertEqual(Checksum.md5(Data("abc".utf8)), "900150983cd24fb0d6963f7d28e17f72")
        XCTAssertEqual(Checksum.md5(Data("12345678901234567890123456789012345678901234567890123456789012345678901234567890".utf8)),
                       "57edf4a22be3c955ac49da2e2107b67a")
    }

    func testSHA256Vectors() {
        XCTAssertEqual(Checksum.sha256(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(Checksum.sha256(Data("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    func testResolverRefusesWrongChecksumAndExplainsOffline() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tl-weights-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let fake = dir.appendingPathComponent(PublishedWeights.vgg16NoTop.fileName)
        try Data("not the weights".utf8).write(to: fake)
        let resolver = WeightsResolver(environment: ["TL_WEIGHTS_DIR": dir.path, "HOME": dir.path],
                                       download: { _, _ in XCTFail("must not download when a file is present") })
        XCTAssertThrowsError(try resolver.resolve(.vgg16NoTop)) { XCTAssertTrue("\($0)".contains("MD5"), "\($0)") }
        try FileManager.default.removeItem(at: fake)
        struct Offline: Error {}
        let offline = WeightsResolver(environment: ["TL_WEIGHTS_DIR": dir.path, "HOME": dir.path],
                                      download: { _, _ in throw Offline() })
        XCTAssertThrowsError(try offline.resolve(.vgg16NoTop)) { error in
            let message = "\(error)"
            XCTAssertTrue(message.contains("vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5") && message.contains(dir.path), message)
        }
        // A download whose content is right is kept in Keras's cache and found next time.
        let content = Data("pretend weights".utf8)
        let published = PublishedWeights(fileName: "w.h5", url: "https://example.invalid/w.h5", md5: Checksum.md5(content))
        let fetching = WeightsResolver(environment: ["HOME": dir.path], download: { _, destination in
            try content.write(to: URL(fileURLWithPath: destination))
        })
        let path = try fetching.resolve(published)
        XCTAssertEqual(path, dir.path + "/.keras/models/w.h5")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), content)
    }
}
