import XCTest
@testable import TLScript

/// An interpreter whose output is captured in a string.
final class CapturingInterpreter {
    var output = ""
    lazy var interpreter: Interpreter = Interpreter(output: { [unowned self] in self.output += $0 })

    @discardableResult
    func run(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        do {
            try interpreter.run(source: source, fileName: "test.tl")
        } catch {
            XCTFail("unexpected error:\n\(error)", file: file, line: line)
        }
        return output
    }

    /// Runs a script expected to fail and returns the error.
    func failure(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> ScriptError? {
        do {
            try interpreter.run(source: source, fileName: "test.tl")
            XCTFail("expected an error", file: file, line: line)
        } catch let error as ScriptError {
            return error
        } catch {
            XCTFail("unexpected error type \(error)", file: file, line: line)
        }
        return nil
    }
}

/// Runs `source` and returns what it printed.
func output(of source: String, file: StaticString = #filePath, line: UInt = #line) -> String {
    CapturingInterpreter().run(source, file: file, line: line)
}

/// Asserts that `source` fails with `message` at `line:column`, rendered with the source line and a caret.
func assertError(_ source: String, _ message: String, line: Int, column: Int, kind: ScriptError.Kind? = nil,
                 file: StaticString = #filePath, testLine: UInt = #line) {
    guard let error = CapturingInterpreter().failure(source, file: file, line: testLine) else { return }
    XCTAssertEqual(error.message, message, file: file, line: testLine)
    XCTAssertEqual(error.location, SourceLocation(line: line, column: column), "location", file: file, line: testLine)
    if let kind { XCTAssertEqual(error.kind, kind, file: file, line: testLine) }
    let sourceLine = source.components(separatedBy: "\n")[line - 1]
    let caret = String(sourceLine.prefix(column - 1).map { $0 == "\t" ? "\t" : " " }) + "^"
    XCTAssertEqual(error.rendered, "test.tl:\(line):\(column): \(message)\n\(sourceLine)\n\(caret)", file: file, line: testLine)
}

/// A layer double: a name and a settable `trainable` flag.
final class FakeLayer: HostObject {
    let name: String
    var trainable = true
    init(name: String) { self.name = name }
    var typeName: String { "Conv2D" }
    var summaryDescription: String { "Conv2D '\(name)'" }
    var attributeNames: [String] { ["name", "trainable"] }
    func attribute(_ attribute: String) throws -> Value? {
        switch attribute {
        case "name": return .string(name)
        case "trainable": return .bool(trainable)
        default: return nil
        }
    }
    func setAttribute(_ attribute: String, _ value: Value) throws -> Bool {
        guard attribute == "trainable" else { return false }
        guard case .bool(let flag) = value else { throw ScriptError.type("trainable must be True or False") }
        trainable = flag
        return true
    }
}

/// A model double holding layers; `fit` is a registered command reached by method syntax.
final class FakeModel: HostObject {
    var layers: [FakeLayer]
    var fitCalls: [(epochs: Int, steps: Int)] = []
    init(layers: [FakeLayer]) { self.layers = layers }
    var typeName: String { "Model" }
    var summaryDescription: String { "Model: \(layers.count) layers" }
    var attributeNames: [String] { ["layers", "trainable"] }
    var count: Int? { layers.count }
    func attribute(_ name: String) throws -> Value? {
        switch name {
        case "layers": return .list(layers.map { .object($0) })
        default: return nil
        }
    }
    func element(at index: Value) throws -> Value? {
        guard let i = index.asInt, layers.indices.contains(i) else { return nil }
        return .object(layers[i])
    }
}

extension Interpreter {
    /// Registers `fit(model, x, epochs=1, steps_per_epoch=10)` as the lead would.
    func registerFakeFit() {
        register(CommandSpec(name: "fit", parameters: [ParameterSpec("model", kind: .object), ParameterSpec("x", default: .none),
                                                       ParameterSpec("epochs", default: 1, kind: .number),
                                                       ParameterSpec("steps_per_epoch", default: 10, kind: .int)],
                             doc: "Trains the model.", aliases: ["fit_generator"]) { args, interpreter in
            let model = try args.object("model", as: FakeModel.self)
            model.fitCalls.append((try args.int("epochs"), try args.int("steps_per_epoch")))
            return .dict(ValueDictionary([("loss", .floats([0.5, 0.25]))]))
        })
    }
}
