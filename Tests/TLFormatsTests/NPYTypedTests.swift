import XCTest
import Foundation
@testable import TLFormats

/// `.npy` files keeping NumPy's dtype: files written by `numpy.save` (base64 below, made with NumPy 2.4)
/// read back with their kind, shape and order, and tl's own files round-trip.
final class NPYTypedTests: XCTestCase {
    /// `np.save(f, ...)` of each array, base64-encoded.
    static let numpyFiles: [(name: String, base64: String, shape: [Int], values: NPYValues)] = [
        ("int64 [1, -2]", "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAAAAAAAAAP7/////////",
         [2], .int64([1, -2])),
        ("0-d bool", "k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoB",
         [], .bool([true])),
        ("Fortran-order float64 arange(6).reshape(2, 3)", "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBUcnVlLCAnc2hhcGUnOiAoMiwgMyksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAAAAAAAAAAAAAhAAAAAAAAA8D8AAAAAAAAQQAAAAAAAAABAAAAAAAAAFEA=",
         [2, 3], .float64([0, 1, 2, 3, 4, 5])),
        ("uint8", "k05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoBAgM=",
         [3], .uint8([1, 2, 3])),
        ("big-endian float32", "k05VTVBZAQB2AHsnZGVzY3InOiAnPmY0JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo/AAAAv4AAAA==",
         [2], .float32([0.5, -1])),
    ]

    func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tl-npy-typed-\(UUID().uuidString)-\(name)").path
    }

    func testReadsNumPysFilesWithTheirKinds() throws {
        for file in NPYTypedTests.numpyFiles {
            let path = temporaryPath("in.npy")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try XCTUnwrap(Data(base64Encoded: file.base64)).write(to: URL(fileURLWithPath: path))
            let (shape, values) = try NPY.readTyped(path: path)
            XCTAssertEqual(shape, file.shape, file.name)
            XCTAssertEqual(values, file.values, file.name)
        }
    }

    func testWritesWhatNumPyWrites() throws {
        for file in NPYTypedTests.numpyFiles where file.name.hasPrefix("int64") || file.name.hasPrefix("0-d") {
            let path = temporaryPath("out.npy")
            defer { try? FileManager.default.removeItem(atPath: path) }
            try NPY.write(path: path, shape: file.shape, values: file.values)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)).base64EncodedString(), file.base64, file.name)
        }
        let path = temporaryPath("f64.npy")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try NPY.write(path: path, shape: [2, 1], values: .float64([0.25, -3]))
        let (shape, values) = try NPY.readTyped(path: path)
        XCTAssertEqual(shape, [2, 1])
        XCTAssertEqual(values, .float64([0.25, -3]))
    }
}
