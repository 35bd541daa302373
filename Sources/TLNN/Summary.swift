/// Keras 2's `model.summary()` text, which the walkthrough prints.
///
/// Columns end at 29, 55 and 65 characters; a field too long for its column is cut, its last character
/// replaced by a space, exactly as Keras's `print_row` does.
public func summaryText(of model: Sequential) -> String {
    let lineLength = 65
    let positions = [29, 55, 65]
    var lines: [String] = []
    func row(_ fields: [String]) {
        var line = ""
        for (i, field) in fields.enumerated() {
            if i > 0 { line = String(line.dropLast()) + " " }
            line += field
            line = String(line.prefix(positions[i]))
            line += String(repeating: " ", count: max(0, positions[i] - line.count))
        }
        lines.append(line)
    }
    lines.append(String(repeating: "_", count: lineLength))
    row(["Layer (type)", "Output Shape", "Param #"])
    lines.append(String(repeating: "=", count: lineLength))
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
        row(["\(layer.name) (\(layer.typeName))", output, params])
        lines.append(String(repeating: i == model.layers.count - 1 ? "=" : "_", count: lineLength))
    }
    if model.layers.isEmpty { lines.append(String(repeating: "=", count: lineLength)) }
    let trainable = model.trainableWeights.reduce(0) { $0 + $1.count }
    let total = model.parameterCount
    lines.append("Total params: \(groupedThousands(total))")
    lines.append("Trainable params: \(groupedThousands(trainable))")
    lines.append("Non-trainable params: \(groupedThousands(total - trainable))")
    lines.append(String(repeating: "_", count: lineLength))
    return lines.joined(separator: "\n")
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
