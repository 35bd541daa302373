import Foundation
import XCTest
import TLTensor
import TLNN
import TLTestSupport
@testable import TLZoo

/// What scripts/make_bases_fixtures.py recorded with tf-keras (Tests/Fixtures/bases), and the
/// weight formula both sides compute, so that no weight file needs to be committed.
enum BaseFixtures {
    static var directory: URL {
        SharedFiles.packageRoot.appendingPathComponent("Tests/Fixtures/bases")
    }

    static let manifest: [String: Any] = {
        let data = try! Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }()

    static func entry(_ name: String) throws -> [String: Any] {
        try XCTUnwrap(manifest[name] as? [String: Any], "fixture manifest has no \(name)")
    }

    /// A recorded float32 array.
    static func tensor(_ name: String) throws -> Tensor {
        let shape = (try entry(name)["shape"] as! [NSNumber]).map(\.intValue)
        let data = try Data(contentsOf: directory.appendingPathComponent(name + ".f32"))
        var values = [Float](repeating: 0, count: data.count / 4)
        _ = values.withUnsafeMutableBytes { data.copyBytes(to: $0) }
        XCTAssertEqual(values.count, shape.reduce(1, *), name)
        return Tensor(shape: shape, scalars: values)
    }

    /// The `#totals` line and the layer rows of `{key}_{top|notop}.tsv`.
    struct LayerRow: Equatable {
        let name, className, outputShape: String
        let parameters: Int
        let inbound: [String]
    }

    static func layerTable(_ file: String) throws -> (rows: [LayerRow], total: Int, trainable: Int, modelName: String) {
        let text = try String(contentsOf: directory.appendingPathComponent(file + ".tsv"), encoding: .utf8)
        var rows: [LayerRow] = []
        var totals: [String] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            if fields[0] == "#totals" { totals = fields; continue }
            rows.append(LayerRow(name: fields[0], className: fields[1], outputShape: fields[2], parameters: Int(fields[3])!,
                                 inbound: fields[4].isEmpty ? [] : fields[4].split(separator: ",").map(String.init)))
        }
        return (rows, Int(totals[1])!, Int(totals[2])!, totals[4])
    }

    // MARK: The weight formula (scripts/make_bases_fixtures.py, formula_weight)

    static func fnv1a(_ text: String) -> UInt64 {
        var h: UInt64 = 0x811C9DC5
        for byte in text.utf8 { h = ((h ^ UInt64(byte)) &* 0x01000193) & 0xFFFF_FFFF }
        return h
    }

    /// Value `i` in [-1, 1) of the stream `seed`: an integer hash of (seed, index).
    @inline(__always)
    static func uniform(_ i: Int, seed: UInt64) -> Double {
        var h = (UInt64(i) &* 2654435761 &+ seed) & 0xFFFF_FFFF
        h ^= h >> 16
        h = (h &* 2246822519) & 0xFFFF_FFFF
        h ^= h >> 13
        return Double(h) / 4294967296.0 * 2.0 - 1.0
    }

    /// `count` values `Float(transform(uniform(i)))`, computed in double precision as NumPy does.
    static func stream(_ count: Int, seed: UInt64, _ transform: (Double) -> Double) -> [Float] {
        [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            for i in 0..<count { buffer[i] = Float(transform(uniform(i, seed: seed))) }
            initialized = count
        }
    }

    static func formulaWeight(layer: String, index: Int, parameter: Parameter) -> Tensor {
        let shape = parameter.shape
        let seed = (fnv1a(layer) ^ ((UInt64(index) &* 0x9E3779B1) & 0xFFFF_FFFF)) & 0xFFFF_FFFF
        let count = shape.reduce(1, *)
        let values: [Float]
        switch parameter.name {
        case "depthwise_kernel":
            let limit = (6.0 / Double(shape[0] * shape[1])).squareRoot()
            values = stream(count, seed: seed) { $0 * limit }
        case "kernel", "pointwise_kernel":
            let limit = (6.0 / Double(shape.dropLast().reduce(1, *))).squareRoot()
            values = stream(count, seed: seed) { $0 * limit }
        case "bias": values = stream(count, seed: seed) { 0.05 * $0 }
        case "gamma": values = stream(count, seed: seed) { 1.0 + 0.25 * $0 }
        case "beta", "moving_mean": values = stream(count, seed: seed) { 0.1 * $0 }
        case "moving_variance": values = stream(count, seed: seed) { 1.0 + 0.25 * ($0 + 1.0) }
        default: preconditionFailure("no formula for \(parameter.name)")
        }
        return Tensor(shape: shape, scalars: values)
    }

    /// Gives every weight of `model` its formula value.
    static func setFormulaWeights(_ model: Layer) {
        for layer in model.allLayers where layer.sublayers.isEmpty {
            for (index, parameter) in layer.weights.enumerated() {
                parameter.value = formulaWeight(layer: layer.name, index: index, parameter: parameter)
            }
        }
    }

    /// The output gradient R of the recorded training step (formula seed 777).
    static func outputGradient(shape: [Int]) -> Tensor {
        Tensor(shape: shape, scalars: stream(shape.reduce(1, *), seed: 777) { $0 })
    }

    /// Keras's sampling of a gradient: at most 1024 evenly strided elements.
    static func sampled(_ values: [Float]) -> [Float] {
        let count = min(values.count, 1024)
        let stride = values.count / count
        return (0..<count).map { values[$0 * stride] }
    }
}

extension BaseFixtures {
    /// One layer as tf-keras 2.x's `summary()` prints it, spaces removed (its fields wrap over lines):
    /// `conv1_bn(BatchNormalization)`, `(None,112,112,64)`, `256`, the inbound layer names.
    struct PrintedRow: Equatable {
        let layer, shape: String
        let parameters: Int
        let connections: [String]
    }

    /// Reads `{file}.txt`, a printed summary: the column bounds from its header, each layer's block of
    /// lines (between blank lines) joined column by column, and the total parameter count.
    /// `connected` tells whether Keras printed the "Connected to" column (it leaves it out for models
    /// whose layers form a chain, such as VGG19 and MobileNet).
    static func printedSummary(_ file: String) throws -> (rows: [PrintedRow], total: Int, connected: Bool) {
        let text = try String(contentsOf: directory.appendingPathComponent(file + ".txt"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
        let header = try XCTUnwrap(lines.firstIndex { String($0).contains("Layer (type)") })
        let headerText = String(lines[header])
        let starts = ["Output Shape", "Param #", "Connected to"].compactMap { headerText.range(of: $0).map { headerText.distance(from: headerText.startIndex, to: $0.lowerBound) } }
        let bounds = zip([0] + starts, starts + [Int.max]).map { $0..<$1 }
        let end = try XCTUnwrap(lines.lastIndex { $0.first == "=" })
        var rows: [PrintedRow] = []
        var block: [[Character]] = []
        func flush() throws {
            guard !block.isEmpty else { return }
            let fields = bounds.map { range in
                block.map { line in String(line[min(range.lowerBound, line.count)..<min(range.upperBound, line.count)]) }
                    .joined().filter { $0 != " " }
            }
            let connections = fields.count > 3 ? fields[3].split(separator: "'").map(String.init).filter { $0.hasSuffix("[0][0]") }
                .map { String($0.dropLast(6)) } : []
            rows.append(PrintedRow(layer: fields[0], shape: fields[1], parameters: try XCTUnwrap(Int(fields[2]), fields[2]), connections: connections))
            block = []
        }
        for line in lines[(header + 2)..<end] {
            if line.allSatisfy({ $0 == " " }) { try flush() } else { block.append(line) }
        }
        try flush()
        let totalLine = String(try XCTUnwrap(lines.first { String($0).hasPrefix("Total params: ") }))
        let total = try XCTUnwrap(Int(totalLine.dropFirst("Total params: ".count).prefix { $0.isNumber }))
        return (rows, total, starts.count == 3)
    }
}
