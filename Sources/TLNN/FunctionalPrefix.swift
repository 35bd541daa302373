import TLTensor

extension Functional {
    /// The part of the graph that computes layer `name`'s output, as a model of its own sharing this
    /// model's layers and weights (Keras's `Model(model.input, model.get_layer(name).output)`): features
    /// at an intermediate layer, or a truncated base. Throws when no layer has that name.
    public func prefix(through name: String) throws -> Functional {
        guard let end = nodes.firstIndex(where: { $0.layer.name == name }), end > 0 else {
            throw ModelError("model '\(self.name)' has no layer named '\(name)' to stop at")
        }
        guard inputNodes.count == 1 else {
            throw ModelError("model '\(self.name)' has \(inputNodes.count) inputs; tl cuts a prefix only from a one-input model. Build the part you want with keras.Model(inputs, model.get_layer(\"\(name)\").output) from the tensors the model was wired with")
        }
        var needed = Set([end])
        for index in stride(from: end, through: 1, by: -1) where needed.contains(index) {
            needed.formUnion(nodes[index].inputs)
        }
        let model = Functional(inputShape: inputShape, inputName: nodes[0].layer.name, name: "\(self.name)_to_\(name)")
        var built: [Int: GraphTensor] = [0: model.input]
        for index in 1...end where needed.contains(index) {
            let node = nodes[index]
            let sources = node.inputs.map { built[$0]! }
            if let merge = node.layer as? MergeLayer {
                built[index] = try model.apply(merge, to: sources)
            } else {
                built[index] = try model.apply(node.layer, to: sources[0], training: node.training)
            }
        }
        return model
    }
}
