import Foundation
import TLFormats
import XCTest

/// `.npy` files checked against NumPy itself (python3 + numpy; the cross-checks skip without them).
final class NPYTests: XCTestCase {
    func testRoundTripKeepsShapeAndValues() throws {
        let path = try makeTemporaryDirectory(for: self).appendingPathComponent("a.npy").path
        for shape in [[2, 3, 4], [5], [], [0, 3]] {
            let values = (0..<shape.reduce(1, *)).map { Float($0) * 0.25 - 1 }
            try NPY.write(path: path, shape: shape, values: values)
            let read = try NPY.read(path: path)
            XCTAssertEqual(read.shape, shape)
            XCTAssertEqual(read.values, values)
        }
    }

    func testHeaderIsVersion1AlignedTo64Bytes() throws {
        let data = try NPY.encode(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(Array(data.prefix(8)), [0x93] + Array("NUMPY".utf8) + [1, 0])
        let headerLength = Int(data[8]) | Int(data[9]) << 8
        XCTAssertEqual((10 + headerLength) % 64, 0)
        XCTAssertEqual(data.count, 10 + headerLength + 6 * 4)
        let header = String(decoding: data[10..<(10 + headerLength)], as: UTF8.self)
        XCTAssertTrue(header.hasPrefix("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"), header)
        XCTAssertTrue(header.hasSuffix(" \n"))
        // Little-endian float32 1.0 is 00 00 80 3f.
        XCTAssertEqual(Array(data[(10 + headerLength)..<(14 + headerLength)]), [0, 0, 0x80, 0x3F])
    }

    func testNumPyReadsWhatSwiftWrote() throws {
        let path = try makeTemporaryDirectory(for: self).appendingPathComponent("swift.npy").path
        try NPY.write(path: path, shape: [2, 3, 2], values: (0..<12).map { Float($0) / 8 - 0.5 })
        let output = try requirePython("""
            import sys, numpy as np
            a = np.load(sys.argv[1])
            expected = (np.arange(12, dtype=np.float32) / 8 - 0.5).reshape(2, 3, 2)
            print(a.dtype.str, a.shape, a.flags['C_CONTIGUOUS'], np.array_equal(a, expected))
            """, [path])
        XCTAssertEqual(output.trimmingCharacters(in: .whitespacesAndNewlines), "<f4 (2, 3, 2) True True")
        // NumPy writes the same bytes for the same array.
        let numpyPath = path + ".numpy.npy"
        _ = try requirePython("""
            import sys, numpy as np
            np.save(sys.argv[1], (np.arange(12, dtype=np.float32) / 8 - 0.5).reshape(2, 3, 2))
            """, [numpyPath])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: numpyPath)), try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    func testSwiftReadsWhatNumPyWroteInEveryElementType() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let values: [Float] = [0, 1, 2, 3, 4, 5, 6, 127]
        let descrs = ["<f4", "<f8", "<f2", "<i8", "<i4", "<i2", "|i1", "|u1", "<u2", ">f4", ">i8"]
        _ = try requirePython("""
            import sys, os, numpy as np
            for index, descr in enumerate(sys.argv[2:]):
                np.save(os.path.join(sys.argv[1], f'type{index}.npy'), np.array([0, 1, 2, 3, 4, 5, 6, 127]).astype(descr).reshape(2, 4))
            """, [directory.path] + descrs)
        for (index, descr) in descrs.enumerated() {
            let read = try NPY.read(path: directory.appendingPathComponent("type\(index).npy").path)
            XCTAssertEqual(read.shape, [2, 4], descr)
            XCTAssertEqual(read.values, values, descr)
        }
        // Negative integers, fractions and a Fortran-ordered array.
        let path = directory.appendingPathComponent("f.npy").path
        _ = try requirePython("""
            import sys, numpy as np
            np.save(sys.argv[1], np.asfortranarray(np.array([[-1.5, 2, -3], [4, -5, 6.25]], dtype='<f8')))
            """, [path])
        let fortran = try NPY.read(path: path)
        XCTAssertEqual(fortran.shape, [2, 3])
        XCTAssertEqual(fortran.values, [-1.5, 2, -3, 4, -5, 6.25])
        let negative = directory.appendingPathComponent("n.npy").path
        _ = try requirePython("import sys, numpy as np; np.save(sys.argv[1], np.array([-7, -128, 5], dtype='<i8'))", [negative])
        XCTAssertEqual(try NPY.read(path: negative).values, [-7, -128, 5])
    }

    func testBadFilesGiveClearErrors() throws {
        let directory = try makeTemporaryDirectory(for: self)
        let text = directory.appendingPathComponent("text.npy").path
        try Data("not numpy".utf8).write(to: URL(fileURLWithPath: text))
        assertThrowsMessage([text, "is not a NumPy .npy file"]) { try NPY.read(path: text) }

        let cut = directory.appendingPathComponent("cut.npy").path
        try NPY.encode(shape: [10], values: Array(repeating: 1, count: 10)).dropLast(8).write(to: URL(fileURLWithPath: cut))
        // 128 header bytes + 10 floats = 168 bytes announced; 8 cut off.
        assertThrowsMessage([cut, "truncated", "168 bytes", "has 160"]) { try NPY.read(path: cut) }

        let complex = directory.appendingPathComponent("complex.npy").path
        var bytes = try NPY.encode(shape: [1], values: [0])
        bytes.replaceSubrange(bytes.range(of: Data("<f4".utf8))!, with: Data("<c8".utf8))
        try bytes.write(to: URL(fileURLWithPath: complex))
        assertThrowsMessage([complex, "'<c8'", "float32"]) { try NPY.read(path: complex) }

        assertThrowsMessage(["[2, 2]", "4", "3 were given"]) {
            try NPY.write(path: directory.appendingPathComponent("w.npy").path, shape: [2, 2], values: [1, 2, 3])
        }
        let missing = directory.appendingPathComponent("missing.npy").path
        assertThrowsMessage([missing, "no such file"]) { try NPY.read(path: missing) }
    }
}
