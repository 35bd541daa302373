/// Keras 2's `model.summary()` of a functional model: four columns ending at 32, 53, 65 and 98
/// characters (line length 98, positions .33/.55/.67/1.0), the last one, "Connected to", listing each
/// input as `layer_name[node][tensor]`, one per row. Fields too long for their column are cut as
/// Keras's `print_row` cuts them. A functional model nested in a Sequential model shows there as one row.
public func summaryText(of model: Functional) -> String {
    var table = SummaryTable(positions: [32, 53, 65, 98], header: ["Layer (type)", "Output Shape", "Param #", "Connected to"])
    let shapes = try? model.nodeShapes(for: model.inputShape)
    for (i, node) in model.nodes.enumerated() {
        let layer = node.layer
        let output = shapes.map { describeShape($0[i]) } ?? "multiple"
        let params = layer.isBuilt ? String(layer.parameterCount) : "0 (unbuilt)"
        let connections = model.connections(of: i)
        table.row(["\(layer.name) (\(layer.typeName))", output, params, connections.first ?? ""])
        for extra in connections.dropFirst() { table.row(["", "", "", extra]) }
        table.rule(last: i == model.nodes.count - 1)
    }
    return table.finish(model)
}
