import TLJSON

/// Reading a graph model as Keras writes it (`model.save("x.h5")`'s `model_config`): `layers`, each
/// with its `inbound_nodes` (one per call of the layer: the `[layer, node, tensor]` references of the
/// tensors it was called on, tf-keras 2's lists or Keras 3's `keras_history` objects), and the
/// `input_layers` and `output_layers` references. A layer with several inbound nodes is a shared layer:
/// one layer object, one node per call.
extension Functional {
    /// A reference to one tensor: the layer making it and which of its calls (node) made it.
    private struct TensorReference: Hashable {
        let layer: String
        let node: Int
    }

    convenience init(kerasGraph config: LayerConfiguration) throws {
        let (source, name) = (config.source, config.name)
        func damaged(_ what: String) -> ModelError {
            ModelError("'\(source)': graph model '\(name)' \(what); the file is damaged")
        }
        guard let records = config["layers"]?.arrayValue else { throw damaged("has neither nodes nor layers") }
        let inputs = try Self.references(config["input_layers"], source: source, model: name)
        let outputs = try Self.references(config["output_layers"], source: source, model: name)
        guard !inputs.isEmpty, !outputs.isEmpty else { throw damaged("lists no input_layers or output_layers") }
        let recordsByName = Dictionary(records.compactMap { r in Self.recordName(r).map { ($0, r) } }, uniquingKeysWith: { a, _ in a })
        var shapes: [FeatureShape] = []
        for input in inputs {
            guard let record = recordsByName[input.layer], let values = record["config"],
                  let shape = values["batch_input_shape"] ?? values["batch_shape"] else {
                throw damaged("has no InputLayer with a shape for input '\(input.layer)'")
            }
            shapes.append(try config.shape(shape, key: "batch_input_shape", dropBatch: true))
        }
        self.init(inputShape: shapes[0], inputName: inputs[0].layer, name: name, typeName: "Functional")
        var made: [TensorReference: GraphTensor] = [TensorReference(layer: inputs[0].layer, node: 0): input]
        for (reference, shape) in zip(inputs, shapes).dropFirst() {
            made[TensorReference(layer: reference.layer, node: 0)] = try addInput(shape: shape, name: reference.layer)
        }
        try wireKerasCalls(records, made: &made, config: config)
        try setOutputs(try outputs.map { reference in
            guard let tensor = made[reference] else { throw damaged("names output '\(reference.layer)' (node \(reference.node)), which no layer call makes") }
            return tensor
        })
    }

    /// Adds a node for every call of every layer, each once the tensors it reads exist (Keras lists a
    /// layer once, at its first call, so a later call may read layers listed after it).
    private func wireKerasCalls(_ records: [JSON], made: inout [TensorReference: GraphTensor], config: LayerConfiguration) throws {
        var calls: [(record: JSON, name: String, nodes: [JSON])] = []
        for record in records where record["class_name"]?.stringValue != "InputLayer" {
            guard let name = Self.recordName(record) else { throw ModelError("'\(config.source)': a layer of graph model '\(config.name)' has no name; the file is damaged") }
            calls.append((record, name, record["inbound_nodes"]?.arrayValue ?? []))
        }
        var layers: [String: Layer] = [:]
        var next = [Int](repeating: 0, count: calls.count)   // each layer's next call to wire
        var progressed = true
        while progressed {
            progressed = false
            for (i, call) in calls.enumerated() where next[i] < call.nodes.count {
                let node = call.nodes[next[i]]
                let sources = try Self.references(in: node, source: config.source, model: config.name)
                guard !sources.isEmpty, sources.allSatisfy({ made[$0] != nil }) else { continue }
                let layer = try layers[call.name] ?? config.layer(call.record)
                layers[call.name] = layer
                let tensors = sources.map { made[$0]! }
                let result: GraphTensor
                if let merge = layer as? MergeLayer {
                    result = try apply(merge, to: tensors)
                } else {
                    guard tensors.count == 1 else {
                        throw ModelError("'\(config.source)': layer '\(call.name)' of graph model '\(config.name)' is called on \(tensors.count) tensors; tl's layers other than Add and Concatenate take one")
                    }
                    result = try apply(layer, to: tensors[0], training: Self.trainingArgument(node))
                }
                made[TensorReference(layer: call.name, node: next[i])] = result
                next[i] += 1
                progressed = true
            }
        }
        if let stuck = calls.indices.first(where: { next[$0] < calls[$0].nodes.count }) {
            throw ModelError("'\(config.source)': call \(next[stuck] + 1) of layer '\(calls[stuck].name)' in graph model '\(config.name)' reads tensors no layer call makes; the file is damaged")
        }
    }

    private static func recordName(_ record: JSON) -> String? {
        record["name"]?.stringValue ?? record["config"]?["name"]?.stringValue
    }

    /// `[[name, node, tensor], ...]` (or one such triple, as Keras writes a single input).
    private static func references(_ value: JSON?, source: String, model: String) throws -> [TensorReference] {
        guard let items = value?.arrayValue else { return [] }
        if items.first?.stringValue != nil { return [try reference(value!, source: source, model: model)] }
        return try items.map { try reference($0, source: source, model: model) }
    }

    private static func reference(_ triple: JSON, source: String, model: String) throws -> TensorReference {
        guard let items = triple.arrayValue, items.count >= 2, let layer = items[0].stringValue, let node = items[1].intValue else {
            throw ModelError("'\(source)': graph model '\(model)' holds a tensor reference \(triple) that is not [layer, node, tensor]; the file is damaged")
        }
        if items.count > 2, let tensor = items[2].intValue, tensor != 0 {
            throw ModelError("'\(source)': graph model '\(model)' reads output \(tensor) of layer '\(layer)'; tl's layers have one output each")
        }
        return TensorReference(layer: layer, node: node)
    }

    /// The tensors one call read: tf-keras 2's `[[name, node, tensor, kwargs], ...]`, or every
    /// `keras_history` in Keras 3's `{"args": [...], "kwargs": {...}}`.
    private static func references(in node: JSON, source: String, model: String) throws -> [TensorReference] {
        if let items = node.arrayValue {
            return try items.map { try reference($0, source: source, model: model) }
        }
        var found: [TensorReference] = []
        func visit(_ value: JSON) throws {
            if let history = value["keras_history"] { found.append(try reference(history, source: source, model: model)); return }
            if let items = value.arrayValue { try items.forEach(visit) }
            if let members = value.objectValue { for key in members.keys.sorted() where key != "kwargs" { try visit(members[key]!) } }
        }
        try visit(node["args"] ?? node)
        return found
    }

    /// The call's `training=` argument, if it fixed one (`base_model(x, training=False)`).
    private static func trainingArgument(_ node: JSON) -> Bool? {
        if let items = node.arrayValue { return items.first?.arrayValue?.dropFirst(3).first?["training"]?.boolValue }
        return node["kwargs"]?["training"]?.boolValue
    }
}
