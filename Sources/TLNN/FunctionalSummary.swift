/// Keras 2's `model.summary()` of a functional model: four columns ending at 32, 53, 65 and 98
/// characters (line length 98, positions .33/.55/.67/1.0), the last one, "Connected to", listing each
/// input as `layer_name[node][tensor]`, one per row. A layer used more than once has one row listing the
/// inputs of all its uses (its output shape "multiple" when they differ), as Keras lists them. Fields too
/// long for their column are cut as Keras's `print_row` cuts them. A functional model nested in a
/// Sequential model shows there as one row.
public func summaryText(of model: Functional) -> String {
    var table = SummaryTable(positions: [32, 53, 65, 98], header: ["Layer (type)", "Output Shape", "Param #", "Connected to"])
    let shapes = try? model.nodeShapes(for: model.inputShapes)
    let layers = model.sublayers
    for (row, layer) in layers.enumerated() {
        let uses = model.nodes.indices.filter { model.nodes[$0].layer === layer }
        let useShapes = Set(uses.map { i in shapes.map { describeShape($0[i]) } ?? "multiple" })
        let output = useShapes.count == 1 ? useShapes.first! : "multiple"
        let params = layer.isBuilt ? String(layer.parameterCount) : "0 (unbuilt)"
        let connections = uses.flatMap { model.connections(of: $0) }
        table.row(["\(layer.name) (\(layer.typeName))", output, params, connections.first ?? ""])
        for extra in connections.dropFirst() { table.row(["", "", "", extra]) }
        table.rule(last: row == layers.count - 1)
    }
    return table.finish(model)
}
