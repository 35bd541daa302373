import Foundation
import XCTest
import TLTestSupport

/// Damaged files cannot take tl down: copies of real HDF5, `.npy`, JPEG, PNG and `.pth` files with a
/// few bytes changed (deterministic seeds, near the start or the end where headers and indexes live)
/// are each loaded by the real binary, which must end with a load or an error message, never a signal.
final class DamagedFileFuzzTests: XCTestCase {
    private var binary: TLBinary!

    override func setUpWithError() throws {
        binary = try TLBinary()
    }

    override func tearDown() {
        binary?.removeHome()
    }

    /// SplitMix64: the same mutations on every machine.
    private struct Mutator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }

        /// One to four bytes changed, each within `window` bytes of the start or of the end.
        mutating func mutate(_ original: Data, window: Int) -> Data {
            var bytes = [UInt8](original)
            for _ in 0...below(4) {
                let offset = below(min(window, bytes.count))
                let position = below(2) == 0 ? offset : bytes.count - 1 - offset
                bytes[position] = UInt8(truncatingIfNeeded: next())
            }
            return Data(bytes)
        }
    }

    private struct Outcome {
        var loaded = 0, refused = 0
        var failures: [String] = []
    }

    /// Runs `statement` (with `FILE` standing for the damaged copy) over `count` mutations of `original`.
    private func fuzz(_ original: Data, named name: String, count: Int, window: Int = 4096, seed: UInt64,
                      statement: String, file: StaticString = #filePath, line: UInt = #line) throws -> Outcome {
        var mutator = Mutator(state: seed)
        var outcome = Outcome()
        let path = binary.home.appendingPathComponent(name).path
        for index in 0..<count {
            try mutator.mutate(original, window: window).write(to: URL(fileURLWithPath: path))
            let result = try binary.run(["-c", statement.replacingOccurrences(of: "FILE", with: path) + "\nprint('loaded')"], timeout: 120)
            switch result.status {
            case 0 where result.stdout.hasSuffix("loaded\n"): outcome.loaded += 1
            case 1 where result.stderr.contains(name) && !result.stderr.contains("Fatal error"): outcome.refused += 1
            default: outcome.failures.append("\(name) #\(index) (seed \(seed)): status \(result.status)\n\(result.stderr.suffix(600))")
            }
        }
        XCTAssertEqual(outcome.failures, [], file: file, line: line)
        return outcome
    }

    /// Files written by tl itself: a small Keras weight file and a `.npy` array.
    private func makeSmallFiles() throws -> (weights: Data, array: Data) {
        let weights = binary.home.appendingPathComponent("small.h5").path, array = binary.home.appendingPathComponent("a.npy").path
        let result = try binary.run(["-c", """
            m = sequential()
            m.add(dense(3, input_dim=4))
            m.add(dense(2))
            save_weights(m, "\(weights)")
            save_npy("\(array)", reshape([1.5, 2.0, 3.0, 4.0, 5.0, 6.0], (2, 3)))
            """])
        XCTAssertEqual(result.status, 0, result.stderr)
        return (try Data(contentsOf: URL(fileURLWithPath: weights)), try Data(contentsOf: URL(fileURLWithPath: array)))
    }

    func testDamagedSmallHDF5AndNPYFilesEndInALoadOrAnError() throws {
        let (weights, array) = try makeSmallFiles()
        let h5 = try fuzz(weights, named: "damaged.h5", count: 30, seed: 17, statement: """
            m = sequential()
            m.add(dense(3, input_dim=4))
            m.add(dense(2))
            load_weights(m, "FILE")
            """)
        let npy = try fuzz(array, named: "damaged.npy", count: 20, window: 128, seed: 23, statement: #"x = load_npy("FILE")"#)
        XCTAssertGreaterThan(h5.refused, 0, "some damage must be detected")
        XCTAssertGreaterThan(npy.refused, 0, "some damage must be detected")
    }

    func testDamagedImagesEndInALoadOrAnError() throws {
        let jpeg = try Data(contentsOf: SharedFiles.packageRoot.appendingPathComponent("examples/data/cats_and_dogs_small/train/cats/cat.0.jpg"))
        let photos = try fuzz(jpeg, named: "damaged.jpg", count: 20, window: 1024, seed: 5, statement: #"x = load_img("FILE")"#)
        XCTAssertGreaterThan(photos.loaded + photos.refused, 0)
        let png = try Data(contentsOf: SharedFiles.golden.appendingPathComponent("large_photo.png"))
        _ = try fuzz(png, named: "damaged.png", count: 12, window: 2048, seed: 9, statement: #"x = load_img("FILE", target_size=(8, 8))"#)
    }

    /// VGG16's 58 MB weights: damage near the start or end (the superblock, object headers and B-trees).
    func testDamagedVGG16WeightsEndInALoadOrAnError() throws {
        let original = try Data(contentsOf: URL(fileURLWithPath: SharedFiles.vgg16EdgeWeights))
        _ = try fuzz(original, named: "damaged_vgg16.h5", count: 3, window: 8192, seed: 41, statement: """
            m = VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
            load_weights(m, "FILE")
            """)
    }

    /// One byte of VGG16's file that makes libhdf5 itself fault (SIGSEGV inside the library): read in a
    /// child, it ends in a message naming the file and the session goes on; read in process, it kills tl.
    func testAFileThatCrashesLibHDF5EndsInAnErrorNamingIt() throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: SharedFiles.vgg16EdgeWeights)))
        bytes[3539] = 243
        let path = binary.home.appendingPathComponent("crashes_hdf5.h5").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let script = """
            m = VGG16(weights=None, include_top=False, input_shape=(32, 32, 3))
            load_weights(m, "\(path)")
            """
        let isolated = try binary.run(["-c", script])
        XCTAssertEqual(isolated.status, 1, isolated.stderr)
        XCTAssertTrue(isolated.stderr.contains("'\(path)' is damaged: the HDF5 library crashed (SIGSEGV) while reading it"), isolated.stderr)
        // The same read in process (isolation off) is what the child protects the session from.
        let direct = try binary.run(["-c", script], environment: ["TL_HDF5_ISOLATION": "0"])
        XCTAssertNotEqual(direct.status, 0)
        XCTAssertFalse(direct.stderr.contains("is damaged"), direct.stderr)
    }

    /// EfficientNet-Lite0's `.pth` (a zip holding a pickle), when `scripts/setup` has fetched it.
    func testDamagedTorchWeightsEndInALoadOrAnError() throws {
        let cache = ProcessInfo.processInfo.environment["TL_WEIGHTS_DIR"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/tl")
        let file = cache.appendingPathComponent("efficientnet-lite0-57934424.pth")
        guard let original = try? Data(contentsOf: file) else { throw XCTSkip("\(file.path) is not on this machine (scripts/setup fetches it)") }
        let outcome = try fuzz(original, named: "damaged.pth", count: 4, window: 2048, seed: 3, statement: """
            b = load_efficientnet_lite0(weights="FILE", include_top=False, input_shape=(32, 32, 3))
            """)
        XCTAssertEqual(outcome.loaded + outcome.refused, 4)
    }
}
