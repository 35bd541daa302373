import Foundation
import XCTest
import TLTestSupport
@testable import TLScript

/// A deterministic mutation fuzzer over the lexer, the parser and the interpreter: inputs made by
/// mutating the example scripts and a corpus of pure-language snippets, plus random token soup, run in a
/// bare Interpreter (its builtins touch no files; engine commands are not registered). Every input must
/// end — normally or with a ScriptError — within its time budget; `while True` inputs are stopped by
/// raising the interpreter's cancellation flag from a timer.
final class InterpreterFuzzTests: XCTestCase {
    static let iterations = 3000
    /// After this long an input is cancelled (loops stop at their next iteration).
    static let budget: TimeInterval = 0.2
    /// An input still running this long after its cancellation counts as a hang.
    static let hangLimit: TimeInterval = 10

    static let snippets = [
        "x = 1\nfor i in range(5):\n    x = x * 2 + i\nprint(x)\n",
        "def f(a, b=2):\n    if a > b:\n        return a - b\n    else:\n        return [a, b]\nprint(f(3), f(1, b=5))\n",
        "d = {'a': 1, 'b': [1, 2, 3]}\nfor k in sorted(d):\n    print(k, d[k])\nd['c'] = (1, 2)\n",
        "s = 'acc: ' + str(0.5)\nwords = s.split(':')\nprint(len(words), words[0].upper(), s[1:3], s[-1])\n",
        "i = 0\nwhile i < 10:\n    i += 1\n    if i % 3 == 0:\n        continue\n    if i > 7:\n        break\nprint(i)\n",
        "values = []\nfor a, b in zip(range(3), [4, 5, 6]):\n    values.append(a * b)\nprint(sum(values), max(values), min(values), abs(-2.5), round(2.567, 2))\n",
        "x = [1, 2, 3]\ny = x[::-1]\nprint(y, x + y, 2 * x, x == y, 3 in x, not x)\n",
        "import numpy as np\nfrom keras import layers\nprint(type(1), type('a'), type([]), bool(0), int('12'), float('1e3'))\n",
        "a = 1 if True else 2\nb = a ** 10 // 3 % 7\nprint(a, b, -a, a != b and a < b or a >= b)\n",
        "while True:\n    pass\n",
        "for i in range(10**9):\n    x = i\n",
        "xs = [x * x for x in range(8) if x % 2]\nd = {k: v for k, v in zip('abc', xs)}\ns = {x % 3 for x in xs}\nprint(xs, d, sorted(s), sum(x for x in xs))\n",
        "def f(a, *args, b=2, **kw):\n    return a, args, b, kw\nprint(f(1, 2, 3, b=4, c=5), f(*[1, 2], **{'b': 3}))\nfirst, *rest = range(5)\n",
        "try:\n    x = {}['k']\nexcept (KeyError, ValueError) as e:\n    print('caught', e)\nelse:\n    pass\nfinally:\n    print('done')\nraise ValueError('end')\n",
        "acc = 0.91234\nprint(f'{acc:.3f} {acc!r:>12} {acc:{10}.{2}f} {{x}} {acc=}', '{:,}'.format(1234567), '%5.1f%%' % 12.3)\n",
        "def counter():\n    n = 0\n    def inc():\n        nonlocal n\n        n += 1\n        return n\n    return inc\nc = counter()\nc()\nprint(c(), [lambda: i for i in range(3)][0]())\n",
        "a = [1, 2]\nb = a\nb += [3]\nd = {(1, 2): a, None: 0, 1.5: 'x'}\ndel a[0]\nprint(d, a is b, sorted(d.items(), key=lambda kv: str(kv[0])))\n",
        "g = (x for x in range(10**12))\nprint(next(g), next(g), any(v > 5 for v in g))\nit = iter('ab')\nprint(next(it), next(it), next(it, None))\n",
    ]

    static let tokens = [
        "x", "y", "f", "print", "range", "len", "for", "in", "if", "elif", "else", "while", "def", "return", "break",
        "continue", "pass", "True", "False", "None", "and", "or", "not", "import", "from", "as", "lambda", "(", ")", "[",
        "]", "{", "}", ":", ",", ".", "=", "==", "+=", "+", "-", "*", "**", "/", "//", "%", "<", ">", "<=", "!=", "0", "1",
        "10**18", "2.5e308", "-1", "'s'", "\"t\"", "'''", "\\", "#", "\n", "\n    ", "\n        ", "\t", " ", ";", "@", "$",
        "é", "🐕", "\u{0}", "\r",
    ]

    func testMutatedScriptsAndTokenSoupNeverCrashOrHang() throws {
        let examples = try FileManager.default.contentsOfDirectory(atPath: SharedFiles.packageRoot.appendingPathComponent("examples").path)
            .filter { $0.hasSuffix(".tl") }.sorted()
            .map { try String(contentsOf: SharedFiles.packageRoot.appendingPathComponent("examples/\($0)"), encoding: .utf8) }
        let corpus = (examples + Self.snippets).map { Array($0.utf8) }
        var rng = SplitMix(seed: 0x7E57_F022)
        var outcomes: [String: Int] = [:]
        let started = Date()
        for iteration in 0..<Self.iterations {
            let input: [UInt8]
            if iteration % 4 == 3 {
                input = Array((0..<rng.below(60) + 1).map { _ in Self.tokens[rng.below(Self.tokens.count)] }.joined(separator: rng.below(2) == 0 ? " " : "").utf8)
            } else {
                input = mutate(corpus[rng.below(corpus.count)], using: &rng)
            }
            let result = try runBounded(input, name: "fuzz\(iteration).tl")
            outcomes[result, default: 0] += 1
        }
        // The mix shows the fuzzer reached all three stages, not only the lexer.
        XCTAssertGreaterThan(outcomes["syntax", default: 0], 100, "\(outcomes)")
        XCTAssertGreaterThan(outcomes["ok", default: 0] + outcomes["cancelled", default: 0], 100, "\(outcomes)")
        XCTAssertGreaterThan(outcomes.filter { !["syntax", "ok", "cancelled"].contains($0.key) }.values.reduce(0, +), 100, "\(outcomes)")
        print("fuzz: \(Self.iterations) inputs in \(String(format: "%.1f", Date().timeIntervalSince(started)))s: \(outcomes.sorted { $0.key < $1.key })")
    }

    /// Numbers at the edges of what floats and 64-bit integers hold, and a few non-numbers.
    static let edgeValues = [
        "0", "-0.0", "float('inf')", "float('-inf')", "float('nan')", "1e300", "-1e300", "9223372036854775807",
        "(-9223372036854775807 - 1)", "9.223372036854776e18", "-9.223372036854776e18", "4611686018427387904",
        "-4611686018427387904", "4.611686018427388e18", "True", "'7'", "None",
    ]
    /// A shorter list for second operands, to keep the pairs few.
    static let secondValues = ["0", "-1", "2", "float('nan')", "1e300", "9223372036854775807", "(-9223372036854775807 - 1)", "-4611686018427387904"]

    /// Expressions of one value (X) or two (X, Y) that convert, size, repeat, index or format numbers.
    static let numericTemplates = [
        "-X", "~X", "abs(X)", "int(X)", "float(X)", "round(X)", "round(X, Y)", "X + Y", "X - Y", "X * Y", "X / Y", "X // Y",
        "X % Y", "X ** Y", "X << Y", "X >> Y", "X & Y", "divmod(X, Y)", "pow(X, Y)", "[0] * X", "'ab' * X", "(1,) * X",
        "range(X)", "range(X, Y)", "len(range(X, Y))", "range(X, Y)[-1]", "list(range(X, Y))[:2]", "Y in range(X)",
        "range(X)[Y:]", "'%d' % X", "'%.2f' % X", "'%x' % X", "'%c' % X", "'%e' % X", "format(X, '.3f')", "format(X, ',')",
        "f'{X:g}'", "f'{X:>{Y}}'", "'{0:.999999999f}'.format(X)", "'%.999999999f' % X", "[1, 2, 3][X]", "[1, 2, 3][X:Y]",
        "'abc'[::X]", "'abc'[X:Y:Y]", "math.floor(X)", "math.ceil(X)", "math.sqrt(X)", "math.exp(X)", "math.log(X)",
        "'x'.zfill(X)", "'x'.center(X)", "sum(range(X))", "sorted(range(X))", "any(v < 0 for v in range(X))",
        "list(enumerate([1, 2], start=X))", "chr(X)", "hash(X)", "int(str(X))", "str(X) * 2", "{X: Y}", "{X, Y}",
        "max(X, Y)", "sorted([X, Y])", "[X] * Y", "isinstance(X, int)", "bool(X)", "list(zip(range(X), range(Y)))",
    ]

    /// Every builtin and every numeric form above, fed edge values: each input ends with a result or a
    /// Python error, never a trap (a trap would end the test process) or a hang.
    func testNumericEdgeValuesNeverCrashOrHang() throws {
        var outcomes: [String: Int] = [:]
        var inputs: [String] = []
        for template in Self.numericTemplates {
            for x in Self.edgeValues {
                let seconds = template.contains("Y") ? Self.secondValues : ["0"]
                for y in seconds {
                    inputs.append("import math\nprint(" + template.replacingOccurrences(of: "X", with: x).replacingOccurrences(of: "Y", with: y) + ")\n")
                }
            }
        }
        let builtins = Interpreter(output: { _ in }).commandNames.filter { !["help", "vars", "param"].contains($0) }
        for name in builtins {
            for x in Self.edgeValues {
                inputs.append("print(\(name)(\(x)))\n")
                for y in Self.secondValues { inputs.append("print(\(name)(\(x), \(y)))\n") }
            }
        }
        for (index, input) in inputs.enumerated() {
            if ProcessInfo.processInfo.environment["TL_FUZZ_TRACE"] != nil { FileHandle.standardError.write(Data(input.utf8)) }
            let result = try runBounded(Array(input.utf8), name: "edge\(index).tl")
            XCTAssertFalse(result.hasPrefix("host error") || result == "unfinished", "\(input): \(result)")
            outcomes[result, default: 0] += 1
        }
        XCTAssertGreaterThan(outcomes["ok", default: 0], 500, "\(outcomes)")
        XCTAssertGreaterThan(outcomes["overflow", default: 0], 50, "\(outcomes)")
        print("numeric edges: \(inputs.count) inputs: \(outcomes.sorted { $0.key < $1.key })")
    }

    /// Runs one input on a thread with a large stack, cancelling it after the budget; fails on a hang.
    func runBounded(_ bytes: [UInt8], name: String) throws -> String {
        let interpreter = Interpreter(output: { _ in })
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox()
        let thread = Thread {
            defer { done.signal() }
            do {
                try interpreter.run(try SourceFile.decode(bytes, name: name))
                box.value = "ok"
            } catch let error as ScriptError {
                box.value = error.kind == .cancelled ? "cancelled" : error.kind.rawValue
            } catch {
                box.value = "host error: \(error)"
            }
        }
        thread.stackSize = 16 << 20
        thread.start()
        if done.wait(timeout: .now() + Self.budget) == .timedOut {
            interpreter.cancellation.cancel()
            if done.wait(timeout: .now() + Self.hangLimit) == .timedOut {
                XCTFail("input \(name) still runs \(Self.hangLimit)s after cancellation:\n\(String(decoding: bytes, as: UTF8.self).prefix(2000))")
                throw XCTSkip("stopping the fuzzer at a hang")
            }
        }
        return box.value
    }

    func mutate(_ source: [UInt8], using rng: inout SplitMix) -> [UInt8] {
        var bytes = source
        for _ in 0..<(rng.below(2) + 1) {
            let position = bytes.isEmpty ? 0 : rng.below(bytes.count + 1)
            switch rng.below(7) {
            case 0 where !bytes.isEmpty:   // delete a range
                let end = min(bytes.count, position + rng.below(40) + 1)
                if position < end { bytes.removeSubrange(position..<end) }
            case 1 where !bytes.isEmpty:   // duplicate a range
                let end = min(bytes.count, position + rng.below(200) + 1)
                if position < end { bytes.insert(contentsOf: bytes[position..<end], at: position) }
            case 2:   // insert a token
                bytes.insert(contentsOf: Array(Self.tokens[rng.below(Self.tokens.count)].utf8), at: position)
            case 3 where !bytes.isEmpty:   // replace a byte with any byte (invalid UTF-8 included)
                bytes[min(position, bytes.count - 1)] = UInt8(rng.below(256))
            case 4:   // truncate
                bytes = Array(bytes.prefix(position))
            case 5:   // swap two lines
                var lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
                if lines.count > 1 { lines.swapAt(rng.below(lines.count), rng.below(lines.count)) }
                bytes = Array(lines.joined(separator: [UInt8(ascii: "\n")]))
            default:   // change a line's indentation
                bytes.insert(contentsOf: Array(repeating: UInt8(ascii: " "), count: rng.below(9)), at: position)
            }
        }
        return bytes
    }
}

private final class ResultBox: @unchecked Sendable {
    var value = "unfinished"
}

/// The fuzzer's own seeded generator, so the inputs are the same on every run.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }
}

/// Regressions found while fuzzing and cataloguing hostile input.
final class FuzzRegressionTests: XCTestCase {
    /// The probes of issue 17 that ended the process: each now raises Python's error, quickly.
    func testNumericProbesRaisePythonsErrors() {
        let probes: [(String, String, String)] = [
            ("round(1e300)", "OverflowError", "int too large to convert: 1e+300 is beyond tl's 64-bit integers"),
            ("round(1e19)", "OverflowError", "int too large to convert: 1e+19 is beyond tl's 64-bit integers"),
            ("round(float('inf'))", "OverflowError", "cannot convert float infinity to integer"),
            ("int(float('nan'))", "ValueError", "cannot convert float NaN to integer"),
            ("'%d' % float('nan')", "ValueError", "cannot convert float NaN to integer"),
            ("'%d' % float('-inf')", "OverflowError", "cannot convert float infinity to integer"),
            ("len(range(-9223372036854775807, 9223372036854775807))", "OverflowError", "Python int too large to convert to C ssize_t"),
            ("'%.999999999f' % 1.0", "ValueError", "precision too big"),
            ("'{0:.999999999f}'.format(1.0)", "ValueError", "precision too big"),
            ("[0] * 4611686018427387904", "MemoryError", "repetition result is too large (more than 50000000 items)"),
            ("9223372036854775807 + 1", "OverflowError", "integer overflow in 9223372036854775807 + 1 (tl integers are 64-bit; use floats for huge values)"),
        ]
        for (source, className, message) in probes {
            let started = Date()
            let error = CapturingInterpreter().failure("x = \(source)\n")
            XCTAssertEqual(error?.pythonClassName, className, source)
            XCTAssertEqual(error?.message, message, source)
            XCTAssertLessThan(Date().timeIntervalSince(started), 1, source)
        }
        // CPython prints the exact value of the double (recorded from python3 -c "print('%d' % -1e300)").
        XCTAssertEqual(output(of: "print('%d' % 1e19, '%d' % -1e300)"),
                       "10000000000000000000 -1000000000000000052504760255204420248704468581108159154915854115511802457988908195786371375080447864043704443832883878176942523235360430575644792184786706982848387200926575803737830233794788090059368953234970799945081119038967640880074652742780142494579258788820056842838115669472196386865459400540160\n")
        XCTAssertEqual(output(of: "r = range(-9223372036854775807, 9223372036854775807)\nprint(r[0], r[-1], 0 in r, r)"),
                       "-9223372036854775807 9223372036854775806 True range(-9223372036854775807, 9223372036854775807)\n")
    }

    /// A final line without a newline escaped the line-length limit (the check ran only at newlines).
    func testOverlongLastLineWithoutNewlineIsRefused() {
        let line = "x = \"" + String(repeating: "a", count: 150_000) + "\""
        XCTAssertThrowsError(try Interpreter(output: { _ in }).run(source: line, fileName: "long.tl")) { error in
            XCTAssertEqual((error as? ScriptError)?.message, "line 1 is longer than 100000 characters")
        }
        XCTAssertThrowsError(try Interpreter(output: { _ in }).run(source: line + "\n", fileName: "long.tl"))
    }
}
