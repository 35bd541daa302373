import XCTest
import TLScript
import TLArray
@testable import TLLang

/// tl's arrays against NumPy's own results: each fixture program (Fixtures/NumPyFixtures.swift, written
/// by scripts/make_numpy_fixtures.py with NumPy) runs in tl, and the `repr()` of its last line must be
/// NumPy's text exactly: values, shapes, dtypes and printing; errors by Python kind and message.
final class NumPyParityTests: XCTestCase {
    final class OutputBox { var text = "" }

    /// Python's name for a script error's kind, as the fixtures record it.
    static func pythonKind(_ kind: ScriptError.Kind) -> String {
        switch kind {
        case .index: return "IndexError"
        case .value: return "ValueError"
        case .type: return "TypeError"
        case .zeroDivision: return "ZeroDivisionError"
        case .key: return "KeyError"
        case .overflow: return "OverflowError"
        case .notImplemented: return "NotImplementedError"
        default: return "\(kind)"
        }
    }

    /// What tl prints for `repr(last line)` after running the other lines, or "Kind: message". Every
    /// fixture program defines the variables it uses, so one session serves them all.
    static func evaluate(_ source: String, in session: Session? = nil) -> String {
        var lines = source.components(separatedBy: "\n")
        let last = lines.removeLast()
        let output = OutputBox()
        let session = session ?? Session()
        session.interpreter.output = { output.text += $0 }
        do {
            try session.interpreter.run(source: (lines + ["fixture_result = " + last, "print(repr(fixture_result), end='')"]).joined(separator: "\n"),
                                        fileName: "fixture.tl")
            return output.text
        } catch let error as ScriptError {
            return "\(pythonKind(error.kind)): \(error.message)"
        } catch {
            return "\(error)"
        }
    }

    func testEveryFixtureMatchesNumPy() {
        var failures: [String] = []
        let session = Session()
        for fixture in NumPyFixtures.cases {
            let actual = NumPyParityTests.evaluate(fixture.source, in: session)
            if actual != fixture.expected {
                failures.append("\(fixture.name):\n  program:  \(fixture.source.replacingOccurrences(of: "\n", with: "; "))\n  NumPy:    \(fixture.expected)\n  tl:       \(actual)")
            }
        }
        XCTAssertEqual(failures.count, 0, "\(failures.count) of \(NumPyFixtures.cases.count) cases differ from NumPy:\n" + failures.joined(separator: "\n"))
    }

    /// Every `np.` command has its entry in docs/LANGUAGE.md (the general check skips dotted names).
    func testEveryNumPyNameIsDocumented() {
        let session = Session(output: { _ in })
        let docs = DocIndex(markdown: Session.languageDocumentation)
        let missing = session.interpreter.commandNames.filter { name in
            name.hasPrefix("np.") && session.interpreter.command(named: name)?.name == name && docs.entry(for: name) == nil
        }
        XCTAssertEqual(missing, [])
        XCTAssertGreaterThan(session.interpreter.commandNames.filter { $0.hasPrefix("np.") }.count, 60)
    }

    /// The book's `extract_features` pattern: float64 buffers from `np.zeros(shape=...)`, float32 batches
    /// sliced in, then `np.reshape` for the classifier; the same output as Python gives.
    func testTheBooksFeatureBufferPattern() {
        let program = """
            import numpy as np
            batch_size = 2
            sample_count = 5
            features = np.zeros(shape=(sample_count, 2, 2))
            labels = np.zeros(shape=(sample_count))
            batches = [(np.ones((2, 2, 2), dtype=np.float32), np.array([0., 1.], dtype=np.float32)), (np.ones((2, 2, 2), dtype=np.float32) * 2, np.array([1., 1.], dtype=np.float32)), (np.ones((1, 2, 2), dtype=np.float32) * 3, np.array([0.], dtype=np.float32))]
            i = 0
            for inputs_batch, labels_batch in batches:
                features[i * batch_size : (i + 1) * batch_size] = inputs_batch
                labels[i * batch_size : (i + 1) * batch_size] = labels_batch
                i += 1
                if i * batch_size >= sample_count:
                    break
            flat = np.reshape(features, (sample_count, 2 * 2))
            (flat, labels, flat.dtype, labels.sum())
            """
        XCTAssertEqual(NumPyParityTests.evaluate(program), """
            (array([[1., 1., 1., 1.],
                   [1., 1., 1., 1.],
                   [2., 2., 2., 2.],
                   [2., 2., 2., 2.],
                   [3., 3., 3., 3.]]), array([0., 1., 1., 1., 0.]), dtype('float64'), np.float64(3.0))
            """)
    }

    /// `np.random` is deterministic per seed, reseeded by `np.random.seed` and by `set_seed`.
    func testRandomIsSeededPerSession() {
        let program = """
            np.random.seed(3)
            a = np.random.rand(4)
            np.random.seed(3)
            b = np.random.rand(4)
            set_seed(3)
            c = np.random.rand(4)
            d = np.random.rand(4)
            p = np.random.permutation(6)
            (np.allclose(a, b), np.allclose(a, c), np.allclose(c, d), np.sort(p).tolist(), a.dtype, np.random.randint(0, 3, size=5).dtype)
            """
        XCTAssertEqual(NumPyParityTests.evaluate(program), "(True, True, False, [0, 1, 2, 3, 4, 5], dtype('float64'), dtype('int64'))")
        XCTAssertEqual(NumPyParityTests.evaluate("np.random.seed(3)\nnp.random.rand(4)"), NumPyParityTests.evaluate("np.random.seed(3)\nnp.random.rand(4)"))
        XCTAssertNotEqual(NumPyParityTests.evaluate("np.random.seed(3)\nnp.random.rand(4)"), NumPyParityTests.evaluate("np.random.seed(4)\nnp.random.rand(4)"))
    }

    /// `np.asarray` returns an array itself (no copy) but never shares a NumPy scalar's memory.
    func testAsarrayCopiesOnlyWhenItMust() {
        XCTAssertEqual(NumPyParityTests.evaluate("a = np.zeros(3)\nb = np.asarray(a)\nb[0] = 5\na"), "array([5., 0., 0.])")
        XCTAssertEqual(NumPyParityTests.evaluate("s = np.float64(1.5)\nb = np.asarray(s)\nb[()] = 7\n(s, b)"), "(np.float64(1.5), array(7.))")
        XCTAssertEqual(NumPyParityTests.evaluate("a = np.zeros(2)\nb = np.array(a)\nb[0] = 1\na"), "array([0., 0.])")
    }

    /// Unsupported NumPy names fail with a message naming what is missing.
    func testUnsupportedNamesSaySo() {
        XCTAssertEqual(NumPyParityTests.evaluate("np.fft.fft(np.zeros(4))"),
                       "NotImplementedError: np.fft is not supported in tl (see \"NumPy in tl\" in docs/LANGUAGE.md)")
        XCTAssertEqual(NumPyParityTests.evaluate("np.zeros(2, dtype='int16')"),
                       "NotImplementedError: dtype 'int16' is not supported in tl (float32, float64, int64, int32, uint8 and bool are)")
        XCTAssertEqual(NumPyParityTests.evaluate("np.arange(3).astype(np.uint16)"),
                       "NotImplementedError: dtype np.uint16 is not supported in tl (float32, float64, int64, int32, uint8 and bool are)")
        XCTAssertEqual(NumPyParityTests.evaluate("np.array([True]) % np.array([True])"),
                       "NotImplementedError: np.remainder of two bool arrays gives int8 in NumPy, a dtype tl does not have; convert one with .astype(np.int64)")
        XCTAssertEqual(NumPyParityTests.evaluate("np.linalg.norm(np.ones(2))"),
                       "NotImplementedError: np.linalg is not supported in tl (see \"NumPy in tl\" in docs/LANGUAGE.md)")
    }

    /// `&`, `|`, `~` and `...` through the object hooks (the parser has no tokens for them yet).
    func testBitwiseOperatorsAndEllipsisThroughTheHooks() throws {
        let mask = ArrayObject(NDArray(shape: [3], values: [true, false, true]))
        let other = Value.object(ArrayObject(NDArray(shape: [3], values: [true, true, false])))
        XCTAssertEqual(try mask.binaryOperation("&", other, reflected: false)?.repr, "array([ True, False, False])")
        XCTAssertEqual(try mask.binaryOperation("|", other, reflected: false)?.repr, "array([ True,  True,  True])")
        XCTAssertEqual(try mask.unaryOperation("~")?.repr, "array([False,  True, False])")
        XCTAssertThrowsError(try ArrayObject(NDArray(shape: [1], values: [1.5])).unaryOperation("~"))
        let cube = ArrayObject(NDArray(shape: [2, 2, 2], values: (0..<8).map(Int64.init)))
        XCTAssertEqual(try cube.element(at: .tuple([.ellipsis, .int(1)]))?.repr, "array([[1, 3],\n       [5, 7]])")
        XCTAssertEqual(try ArrayObject(NDArray(.float(2.5))).element(at: .ellipsis)?.repr, "array(2.5)")
        XCTAssertTrue(try cube.setElement(at: .tuple([.int(0), .ellipsis]), to: .int(9)))
        XCTAssertEqual(cube.array.values(as: Int64.self), [9, 9, 9, 9, 4, 5, 6, 7])
    }

    /// Truth values and `in` as NumPy has them, through the hooks (`bool()` and `in` do not call them yet).
    func testTruthAndMembershipHooks() throws {
        let pair = ArrayObject(NDArray(shape: [2], values: [0.0, 4.0]))
        XCTAssertThrowsError(try pair.truthValue()) { error in
            XCTAssertEqual((error as? ScriptError)?.message, "The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()")
        }
        XCTAssertEqual(try ArrayObject(NDArray(shape: [1], values: [0.0])).truthValue(), false)
        XCTAssertEqual(try pair.containsElement(.int(4)), true)
        XCTAssertEqual(try pair.containsElement(.float(1.5)), false)
    }

    /// np.save then np.load keeps dtype and shape, 0-d included; the file is what NumPy writes.
    func testSaveAndLoadKeepDtypeAndShape() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tl-npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (expression, expected) in [("np.asarray(3.5)", "array(3.5)"), ("np.arange(6).reshape(2, 3) > 2", "array([[False, False, False],\n       [ True,  True,  True]])"),
                                       ("np.arange(4)", "array([0, 1, 2, 3])"), ("np.ones(2, dtype=np.float32) / 3", "array([0.33333334, 0.33333334], dtype=float32)")] {
            let path = directory.appendingPathComponent("a.npy").path
            let out = NumPyParityTests.evaluate("np.save('\(path)', \(expression))\nnp.load('\(path)')")
            XCTAssertTrue(out.hasSuffix(expected), "\(expression): \(out)")
        }
    }
}
