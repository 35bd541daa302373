/// Keras 2's `model.summary()` of a functional model: four columns ending at 32, 53, 65 and 98
/// characters (line length 98, positions .33/.55/.67/1.0), the last one, "Connected to", listing each
/// input as `layer_name[node][tensor]`, one per row. Fields too long for their column are cut as
/// Keras's `print_row` cuts them. A functional model nested in a Sequential model shows there as one row.
public func summaryText(of model: Functional) -> String {
    let lineLength = 98
    let positions = [32, 53, 65, 98]
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
    row(["Layer (type)", "Output Shape", "Param #", "Connected to"])
    lines.append(String(repeating: "=", count: lineLength))
    let shapes = try? model.nodeShapes(for: model.inputShape)
    for (i, node) in model.nodes.enumerated() {
        let layer = node.layer
        let output = shapes.map { describeShape($0[i]) } ?? "multiple"
        let params = layer.isBuilt ? String(layer.parameterCount) : "0 (unbuilt)"
        let connections = model.connections(of: i)
        row(["\(layer.name) (\(layer.typeName))", output, params, connections.first ?? ""])
        for extra in connections.dropFirst() { row(["", "", "", extra]) }
        lines.append(String(repeating: i == model.nodes.count - 1 ? "=" : "_", count: lineLength))
    }
    let trainable = model.trainableWeights.reduce(0) { $0 + $1.count }
    let total = model.parameterCount
    lines.append("Total params: \(groupedThousands(total))")
    lines.append("Trainable params: \(groupedThousands(trainable))")
    lines.append("Non-trainable params: \(groupedThousands(total - trainable))")
    lines.append(String(repeating: "_", count: lineLength))
    return lines.joined(separator: "\n")
}
