import TLTensor
import TLNN
import TLScript

/// `compile`, `fit`, `evaluate` and `predict` for a graph model with several inputs or outputs, as
/// Keras takes them: arrays as lists (one per input, one target per output, or a dict of targets by
/// output name); `loss=` one for all outputs, a list, or a dict by output name; `loss_weights=` a list
/// or dict; `metrics=` one list for every output, a list of lists, or a dict by output name.
extension Session {
    /// The model when it takes or gives lists (several inputs or outputs), else nil.
    func listModel(_ args: CallArguments) -> Functional? {
        guard case .object(let object as LayerBacked) = args["model"], let graph = object.layer as? Functional, graph.takesLists else { return nil }
        return graph
    }

    /// One objective per output from `loss=`, `loss_weights=` and `metrics=`.
    func outputObjectives(_ model: Functional, _ args: CallArguments) throws -> [OutputObjective] {
        let names = model.outputLayers.map(\.name)
        let losses = try perOutput(args["loss"], names: names, argument: "loss")
        let weights = args["loss_weights"].isNone ? names.map { _ in Value.float(1) } : try perOutput(args["loss_weights"], names: names, argument: "loss_weights", shared: false)
        let metrics = try perOutputMetrics(args["metrics"], names: names)
        return try names.indices.map { k in
            let (loss, options) = try lossAndOptions(losses[k], args)
            guard let weight = weights[k].asDouble else { throw args.typeError("loss_weights", expected: "numbers, one per output") }
            return OutputObjective(name: names[k], loss: loss, lossOptions: options, weight: weight,
                                   metricDefinitions: try metricDefinitions(metrics[k]))
        }
    }

    /// One value per output: the value itself for every output (when `shared`), a list in output order,
    /// or a dict by output name.
    private func perOutput(_ value: Value, names: [String], argument: String, shared: Bool = true) throws -> [Value] {
        if case .dict(let dict) = value {
            let unknown = dict.keys.compactMap(\.asString).filter { !names.contains($0) }
            guard unknown.isEmpty, dict.count == dict.keys.compactMap(\.asString).count else {
                throw ScriptError(.value, "compile(): \(argument)= names \(unknown.map { "'\($0)'" }.joined(separator: ", ")), which is not an output; the outputs are \(names.joined(separator: ", "))")
            }
            return try names.map { name in
                guard let item = dict[name] else {
                    throw ScriptError(.value, "compile(): \(argument)= gives nothing for output '\(name)'; tl needs one for every output (\(names.joined(separator: ", ")))")
                }
                return item
            }
        }
        if let items = value.asSequence {
            guard items.count == names.count else {
                throw ScriptError(.value, "compile(): \(argument)= lists \(items.count) values but the model has \(names.count) outputs (\(names.joined(separator: ", "))); give one per output, or a dict by output name")
            }
            return items
        }
        guard shared else { throw ScriptError(.type, "compile(): \(argument)= must be a list (one per output) or a dict by output name") }
        return names.map { _ in value }
    }

    /// `metrics=["acc"]` for every output, `[["acc"], ["acc", "AUC"]]` per output, or a dict by output name.
    private func perOutputMetrics(_ value: Value, names: [String]) throws -> [Value] {
        if case .dict = value { return try perOutput(value, names: names, argument: "metrics") }
        if let items = value.asSequence, !items.isEmpty, items.allSatisfy({ $0.asSequence != nil && $0.asString == nil }) {
            return try perOutput(value, names: names, argument: "metrics")
        }
        return names.map { _ in value }
    }

    /// The arrays of `value`: a list (or tuple) of arrays in order, a dict by `names`, or one array when
    /// `names` has one entry.
    func arrays(_ value: Value, names: [String], argument: String, command: String) throws -> [Tensor] {
        if case .dict(let dict) = value {
            return try names.map { name in
                guard let item = dict[name] else {
                    throw ScriptError(.value, "\(command)(): \(argument) has no array for '\(name)'; give one for each of \(names.joined(separator: ", "))")
                }
                return try item.toTensor(argument: argument, command: command)
            }
        }
        if let items = value.asSequence, items.count == names.count, names.count > 1 {
            return try items.map { try $0.toTensor(argument: argument, command: command) }
        }
        if names.count == 1 { return [try value.toTensor(argument: argument, command: command)] }
        throw ScriptError(.value, "\(command)(): \(argument) must be a list of \(names.count) arrays, one for each of \(names.joined(separator: ", ")) (in that order), or a dict by name")
    }

    func inputArrays(_ model: Functional, _ value: Value, command: String) throws -> [Tensor] {
        try arrays(value, names: model.inputNodes.map { model.nodes[$0].layer.name }, argument: "x", command: command)
    }

    func targetArrays(_ model: Functional, _ value: Value, command: String) throws -> [Tensor] {
        try arrays(value, names: model.outputLayers.map(\.name), argument: "y", command: command)
    }

    /// `fit` on lists of arrays.
    func fitLists(_ model: Functional, _ args: CallArguments, progress: ProgressOptions, checkpointer: TrainingCheckpointer?,
                  callbacks: [TrainingCallback]) throws -> History {
        if case .object(_ as BatchSourceObject) = args["x"] {
            throw ScriptError(.value, "fit(): model '\(model.name)' takes \(model.inputCount) inputs and gives \(model.outputLayers.count) outputs, and a flow yields one image array and one label array per batch; pass lists of arrays: fit([xa, xb], [ya, yb])")
        }
        guard !args["y"].isNone else { throw ScriptError(.value, "fit(model, x, y): y (the targets, one array per output) is missing") }
        if try args.double("validation_split") != 0 {
            throw ScriptError(.value, "fit(): validation_split is not supported for a model with several inputs or outputs in tl; pass validation_data=([xa, xb], [ya, yb])")
        }
        var validation: (inputs: [Tensor], targets: [Tensor])?
        if !args["validation_data"].isNone {
            guard let pair = args["validation_data"].asSequence, pair.count == 2 else {
                throw args.typeError("validation_data", expected: "a pair (inputs, targets) of lists of arrays")
            }
            validation = (try inputArrays(model, pair[0], command: "fit"), try targetArrays(model, pair[1], command: "fit"))
        }
        let sampleWeight = args["sample_weight"].isNone ? nil : try args.tensor("sample_weight").scalars
        do {
            return try model.fit(inputs: try inputArrays(model, args["x"], command: "fit"), targets: try targetArrays(model, args["y"], command: "fit"),
                                 epochs: try args.int("epochs"), batchSize: try args.optionalInt("batch_size") ?? 32,
                                 validationData: validation, shuffle: try args.bool("shuffle"), progress: progress,
                                 checkpointer: checkpointer, callbacks: callbacks, sampleWeight: sampleWeight,
                                 classWeight: try classWeight(args))
        } catch let error as ModelError { throw ScriptError(.value, error.description) }
    }

    /// `predict` on a list of arrays: a list of arrays, one per output (one array for one output).
    func predictLists(_ model: Functional, _ args: CallArguments, checkCancelled: () throws -> Void) throws -> Value {
        do {
            let outputs = try model.predict(inputs: try inputArrays(model, args["x"], command: "predict"),
                                            batchSize: try args.optionalInt("batch_size") ?? 32, checkCancelled: checkCancelled)
            return outputs.count == 1 ? .object(ArrayObject(outputs[0])) : .list(ValueList(outputs.map { .object(ArrayObject($0)) }))
        } catch let error as ModelError { throw ScriptError(.value, error.description) }
    }

    /// `evaluate` on lists of arrays: `[loss, <output>_loss..., metrics...]`.
    func evaluateLists(_ model: Functional, _ args: CallArguments, checkCancelled: () throws -> Void) throws -> [Double] {
        guard !args["y"].isNone else { throw ScriptError(.value, "evaluate(model, x, y): y (the targets, one array per output) is missing") }
        do {
            return try model.evaluate(inputs: try inputArrays(model, args["x"], command: "evaluate"),
                                      targets: try targetArrays(model, args["y"], command: "evaluate"),
                                      batchSize: try args.optionalInt("batch_size") ?? 32, checkCancelled: checkCancelled)
        } catch let error as ModelError { throw ScriptError(.value, error.description) }
    }
}
