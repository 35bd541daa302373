/// Keras 2's `model.summary()` text, which the walkthrough prints.
///
/// Columns end at 29, 55 and 65 characters; a field too long for its column is cut, its last character
/// replaced by a space, exactly as Keras's `print_row` does.
public func summaryText(of model: Sequential) -> String {
    var table = SummaryTable(positions: [29, 55, 65], header: ["Layer (type)", "Output Shape", "Param #"])
    var shape = model.inputShape
    for (i, layer) in model.layers.enumerated() {
        let output: String
        if let current = shape, let next = try? layer.outputShape(for: current) {
            shape = next
            output = describeShape(next)
        } else {
            shape = nil
            output = "multiple"
        }
        let params = layer.isBuilt ? String(layer.parameterCount) : "0 (unbuilt)"
        table.row(["\(layer.name) (\(layer.typeName))", output, params])
        table.rule(last: i == model.layers.count - 1)
    }
    if model.layers.isEmpty { table.rule(last: true) }
    return table.finish(model)
}

/// Keras 2's summary table: rows whose fields end at `positions`, rule lines, the parameter totals.
struct SummaryTable {
    let positions: [Int]
    private var lines: [String] = []
    var lineLength: Int { positions.last! }

    init(positions: [Int], header: [String]) {
        self.positions = positions
        lines.append(String(repeating: "_", count: lineLength))
        row(header)
        lines.append(String(repeating: "=", count: lineLength))
    }

    /// A field too long for its column is cut, its last character replaced by a space (Keras's `print_row`).
    mutating func row(_ fields: [String]) {
        var line = ""
        for (i, field) in fields.enumerated() {
            if i > 0 { line = String(line.dropLast()) + " " }
            line += field
            line = String(line.prefix(positions[i]))
            line += String(repeating: " ", count: max(0, positions[i] - line.count))
        }
        lines.append(line)
    }

    /// The line under a layer: `=` after the last one, `_` otherwise.
    mutating func rule(last: Bool) {
        lines.append(String(repeating: last ? "=" : "_", count: lineLength))
    }

    /// Appends the totals and returns the text.
    mutating func finish(_ model: Layer) -> String {
        let trainable = model.trainableWeights.reduce(0) { $0 + $1.count }
        let total = model.parameterCount
        lines.append("Total params: \(groupedThousands(total))")
        lines.append("Trainable params: \(groupedThousands(trainable))")
        lines.append("Non-trainable params: \(groupedThousands(total - trainable))")
        lines.append(String(repeating: "_", count: lineLength))
        return lines.joined(separator: "\n")
    }
}

/// `14714688` -> `14,714,688`, as Python's `'{:,}'.format`.
public func groupedThousands(_ n: Int) -> String {
    let digits = String(abs(n))
    var out = ""
    for (i, ch) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out += "," }
        out.append(ch)
    }
    return (n < 0 ? "-" : "") + out
}
