import XCTest
@testable import TLTorchWeights

final class PickleMachineTests: XCTestCase {
    private func load(_ build: (inout PickleWriter) -> Void) throws -> PickleValue {
        var writer = PickleWriter()
        build(&writer)
        var reader = ByteReader(bytes: writer.bytes, path: "t.pkl", context: "the test pickle")
        var machine = PickleMachine(path: "t.pkl") { _ in .none }
        return try machine.load(from: &reader)
    }

    func testIntegersAndFloats() throws {
        let value = try load { p in
            p.proto(2); p.mark()
            p.binInt(-5); p.binInt1(255); p.binInt2(1001)
            // Two's complement, little-endian: -1, -32768, 32768 (needs a third byte), 0.
            p.long1([0xFF]); p.long1([0x00, 0x80]); p.long1([0x00, 0x80, 0x00]); p.long1([])
            p.binFloat(-0.25)
            p.tuple(); p.stop()
        }
        guard case let .tuple(items) = value else { return XCTFail("\(value)") }
        XCTAssertEqual(items.compactMap(\.integer), [-5, 255, 1001, -1, -32768, 32768, 0])
        guard case let .float(number) = items[7] else { return XCTFail("\(items[7])") }
        XCTAssertEqual(number, -0.25)
    }

    func testMemoSharesContainers() throws {
        // A list memoized, recalled, and appended to through the recalled reference.
        let value = try load { p in
            p.proto(4); p.emptyList(); p.memoize()
            p.mark(); p.binInt1(1); p.binInt1(2); p.appends()
            p.longBinGet(0); p.tuple2(); p.stop()
        }
        guard case let .tuple(items) = value, case let .list(first) = items[0], case let .list(second) = items[1] else {
            return XCTFail("\(value)")
        }
        XCTAssertTrue(first === second)
        XCTAssertEqual(first.items.compactMap(\.integer), [1, 2])
    }

    func testDictKeepsInsertionOrderAndReplacesKeys() throws {
        let value = try load { p in
            p.proto(2); p.emptyDict(); p.mark()
            p.shortBinUnicode("b"); p.binInt1(1)
            p.shortBinUnicode("a"); p.binInt1(2)
            p.shortBinUnicode("b"); p.binInt1(3)
            p.setItems(); p.stop()
        }
        guard case let .dict(dict) = value else { return XCTFail("\(value)") }
        XCTAssertEqual(dict.entries.map { "\($0.key)" }, [#"string("b")"#, #"string("a")"#])
        XCTAssertEqual(dict["b"]?.integer, 3)
    }

    func testMalformedPicklesAreErrors() {
        XCTAssertThrowsError(try load { p in p.proto(2); p.binGet(9); p.stop() }) { error in
            XCTAssertTrue("\(error)".contains("memo entry 9"), "\(error)")
        }
        XCTAssertThrowsError(try load { p in p.proto(2); p.stop() })                       // empty stack
        XCTAssertThrowsError(try load { p in p.proto(2); p.binInt1(1); p.setItem(); p.stop() })
        XCTAssertThrowsError(try load { p in p.proto(2); p.binInt1(1) })                   // no STOP
        XCTAssertThrowsError(try load { p in p.proto(2); p.littleEndian(UInt8(0x69)); p.stop() }) { error in   // INST
            XCTAssertEqual(error as? TorchCheckpointError, .unsupportedOpcode(path: "t.pkl", opcode: 0x69, offset: 2))
        }
        XCTAssertThrowsError(try load { p in p.proto(2); p.binInt1(1); p.emptyTuple(); p.reduce(); p.stop() }) { error in
            XCTAssertTrue("\(error)".contains("not a known callable"), "\(error)")
        }
    }

    func testHalfPrecisionDecoding() {
        // Hand-computed IEEE binary16 values.
        let cases: [(UInt16, Float)] = [
            (0x3C00, 1), (0xC000, -2), (0x3555, 0.333251953125), (0x7BFF, 65504),
            (0x0001, 5.9604644775390625e-08), (0x0400, 6.103515625e-05), (0x8000, -0.0),
        ]
        for (bits, expected) in cases {
            XCTAssertEqual(TorchStorageType.halfToFloat(bits), expected, "0x\(String(bits, radix: 16))")
        }
        XCTAssertEqual(TorchStorageType.halfToFloat(0x7C00), .infinity)
        XCTAssertTrue(TorchStorageType.halfToFloat(0x7E00).isNaN)
    }

    func testStorageDecoding() {
        let longs: [UInt8] = [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 7, 0, 0, 0, 0, 0, 0, 0]
        XCTAssertEqual(TorchStorageType.long.decode(longs[...]), [-2, 7])
        let doubles = [0.5, -3.0].flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        XCTAssertEqual(TorchStorageType.double.decode(doubles[...]), [0.5, -3])
        XCTAssertEqual(TorchStorageType.bfloat16.decode([0x80, 0x3F, 0x00, 0xC0][...]), [1, -2])
    }

    func testGatherFollowsStrides() throws {
        let storage = TorchStorageReference(key: "0", type: .float, elementOffset: 0, elementCount: 24)
        let values = (0..<24).map(Float.init)
        // x[:, :2, 1::2] of x = arange(24).reshape(2, 3, 4): size (2, 2, 2), stride (12, 4, 2), offset 1.
        let recipe = TensorRecipe(storage: storage, offset: 1, shape: [2, 2, 2], strides: [12, 4, 2])
        XCTAssertEqual(try StateDict.gather(recipe, from: values, name: "x", path: "p"), [1, 3, 5, 7, 13, 15, 17, 19])
        let scalar = TensorRecipe(storage: storage, offset: 5, shape: [], strides: [])
        XCTAssertEqual(try StateDict.gather(scalar, from: values, name: "s", path: "p"), [5])
        let empty = TensorRecipe(storage: storage, offset: 0, shape: [0, 3], strides: [3, 1])
        XCTAssertEqual(try StateDict.gather(empty, from: values, name: "e", path: "p"), [])
        let outside = TensorRecipe(storage: storage, offset: 20, shape: [2, 3], strides: [3, 1])
        XCTAssertThrowsError(try StateDict.gather(outside, from: values, name: "o", path: "p"))
        let huge = TensorRecipe(storage: storage, offset: 0, shape: [Int.max, 2], strides: [1, 1])
        XCTAssertThrowsError(try StateDict.gather(huge, from: values, name: "h", path: "p"))
    }

    func testCRC32CheckValue() {
        // The standard check value of CRC-32/ISO-HDLC.
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)[...]), 0xCBF4_3926)
    }
}
