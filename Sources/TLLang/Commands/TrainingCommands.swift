import Foundation
import TLTensor
import TLNN
import TLZoo
import TLScript
import TLSaving

/// A script object that can feed `fit`, `evaluate` and `predict` batch by batch (a directory flow).
protocol BatchSourceObject: HostObject {
    /// Batches as `fit` and loops draw them: on from where the object stands.
    var batchSource: BatchSource { get }
    /// Batches as Keras's `predict` and `evaluate` read them: a pass from the first batch (a flow's
    /// `flow[0], flow[1], ...` in its current order; a dataset's new pass), leaving where `fit`, `next()` and
    /// loops stand untouched. `batches` is how many will be read.
    func inferencePass(batches: Int) -> BatchSource
}

extension Session {
    func registerTrainingCommands() {
        let learningRate = [ParameterSpec("learning_rate", default: .none), ParameterSpec("lr", default: .none)]
        func rate(_ args: CallArguments, default value: Double) throws -> Float {
            if !args["learning_rate"].isNone && !args["lr"].isNone {
                throw ScriptError(.value, "\(args.commandName)() takes learning_rate or lr (the same thing), not both")
            }
            let given = args["learning_rate"].isNone ? args["lr"] : args["learning_rate"]
            if given.isNone { return Float(value) }
            guard let r = given.asDouble, r > 0, r.isFinite else {
                throw ScriptError(.value, "the learning rate of \(args.commandName)() must be a positive number, got \(given.repr)")
            }
            return Float(r)
        }
        command("rmsprop", parameters: learningRate + [
            ParameterSpec("rho", default: 0.9, kind: .number), ParameterSpec("epsilon", default: 1e-7, kind: .number),
        ], aliases: ["RMSprop", "optimizers.RMSprop", "keras.optimizers.RMSprop"]) { _, args, _ in
            .object(OptimizerObject(RMSprop(learningRate: try rate(args, default: 0.001), rho: Float(try args.double("rho")),
                                            epsilon: Float(try args.double("epsilon")))))
        }
        command("sgd", parameters: learningRate + [
            ParameterSpec("momentum", default: 0.0, kind: .number), ParameterSpec("nesterov", default: false, kind: .bool),
        ], aliases: ["SGD", "optimizers.SGD", "keras.optimizers.SGD"]) { _, args, _ in
            .object(OptimizerObject(SGD(learningRate: try rate(args, default: 0.01), momentum: Float(try args.double("momentum")),
                                        nesterov: try args.bool("nesterov"))))
        }
        command("adam", parameters: learningRate + [
            ParameterSpec("beta_1", default: 0.9, kind: .number), ParameterSpec("beta_2", default: 0.999, kind: .number),
            ParameterSpec("epsilon", default: 1e-7, kind: .number),
        ], aliases: ["Adam", "optimizers.Adam", "keras.optimizers.Adam"]) { _, args, _ in
            .object(OptimizerObject(Adam(learningRate: try rate(args, default: 0.001), beta1: Float(try args.double("beta_1")),
                                         beta2: Float(try args.double("beta_2")), epsilon: Float(try args.double("epsilon")))))
        }

        registerCompile()
        registerFit()
        registerEvaluate()
        registerPredict()
        command("save_weights", parameters: [ParameterSpec("model", kind: .object), ParameterSpec("path", kind: .string)]) { session, args, interpreter in
            let path = session.outputPath(try args.string("path"))
            try KerasWeights.save(try args.layer("model"), path: path)
            interpreter.write("saved weights to \(path)\n")
            return .none
        }
        command("load_weights", parameters: [
            ParameterSpec("model", kind: .object), ParameterSpec("path", kind: .string), ParameterSpec("by_name", default: false, kind: .bool),
        ]) { _, args, _ in
            try KerasWeights.load(into: try args.layer("model"), path: try args.string("path"), byName: try args.bool("by_name"))
            return .none
        }
    }

    private func registerCompile() {
        command("compile", parameters: [
            ParameterSpec("model", kind: .object), ParameterSpec("optimizer", default: "rmsprop"),
            ParameterSpec("loss"), ParameterSpec("metrics", default: .list([])), ParameterSpec("loss_weights", default: .none),
        ]) { session, args, _ in
            let model = { try args.model("model") }
            let optimizer: Optimizer
            switch args["optimizer"] {
            case .object(let object as OptimizerObject): optimizer = object.optimizer
            case .string(let name):
                switch name.lowercased() {
                case "rmsprop": optimizer = RMSprop()
                case "adam": optimizer = Adam()
                case "sgd": optimizer = SGD()
                default: throw ScriptError(.value, "unknown optimizer '\(name)'; use \"rmsprop\", \"adam\", \"sgd\" or rmsprop(lr=...)")
                }
            default: throw args.typeError("optimizer", expected: "an optimizer (rmsprop(lr=2e-5)) or its name")
            }
            do {
                if let graph = session.listModel(args) {
                    try graph.compile(optimizer: optimizer, objectives: try session.outputObjectives(graph, args))
                    return .none
                }
                if !args["loss_weights"].isNone {
                    throw ScriptError(.value, "compile(): loss_weights= weighs the losses of a model with several outputs; this model has one")
                }
                let (loss, lossOptions) = try session.lossAndOptions(args["loss"], args)
                try model().compile(optimizer: optimizer, loss: loss, metricDefinitions: try session.metricDefinitions(args["metrics"]),
                                    lossOptions: lossOptions)
            } catch let error as ModelError {
                throw ScriptError(.value, error.description)
            }
            return .none
        }
    }

    /// A loss given by name (`"binary_crossentropy"`) or as an object (`losses.BinaryCrossentropy(from_logits=True)`).
    func lossAndOptions(_ value: Value, _ args: CallArguments) throws -> (Loss, LossOptions) {
        var lossOptions = LossOptions()
        var lossName = value.asString ?? ""
        if case .object(let object as LossObject) = value {
            lossName = object.loss.rawValue
            lossOptions = object.options
        } else if value.asString == nil {
            throw args.typeError("loss", expected: "a loss name (\"binary_crossentropy\") or object (losses.BinaryCrossentropy())")
        }
        guard let loss = Loss(kerasName: lossName) else {
            throw ScriptError(.value, "unknown loss '\(lossName)'\(closest(lossName, Loss.allCases.map(\.rawValue))); tl knows: \(Loss.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return (loss, lossOptions)
    }

    /// `metrics=["acc", "AUC", metrics.Precision(name="p")]`: names Keras knows, or metric objects.
    func metricDefinitions(_ metrics: Value) throws -> [MetricDefinition] {
        guard let items = metrics.asString.map({ [Value.string($0)] }) ?? metrics.asSequence else {
            throw ScriptError(.type, "compile(): metrics= must be a list of metrics, got \(metrics.typeName)")
        }
        return try items.map { item in
            if case .object(let object as MetricObject) = item { return object.definition }
            guard let name = item.asString else {
                throw ScriptError(.type, "compile(): each metric must be a name such as \"acc\" or a metric such as metrics.AUC(), got \(item.typeName)")
            }
            guard let definition = MetricDefinition(kerasName: name) else {
                throw ScriptError(.value, "unknown metric '\(name)'\(closest(name, MetricDefinition.knownNames)); tl knows \(MetricDefinition.knownNames.map { "'\($0)'" }.joined(separator: ", "))")
            }
            return definition
        }
    }

    private func registerFit() {
        command("fit", parameters: [
            ParameterSpec("model", kind: .object), ParameterSpec("x"), ParameterSpec("y", default: .none),
            ParameterSpec("batch_size", default: .none), ParameterSpec("epochs", default: 1, kind: .int),
            ParameterSpec("verbose", default: 1, kind: .int), ParameterSpec("callbacks", default: .none),
            ParameterSpec("validation_split", default: 0.0, kind: .number), ParameterSpec("validation_data", default: .none),
            ParameterSpec("shuffle", default: true, kind: .bool), ParameterSpec("steps_per_epoch", default: .none),
            ParameterSpec("validation_steps", default: .none),
            ParameterSpec("checkpoint", default: .none), ParameterSpec("resume", default: false, kind: .bool),
            ParameterSpec("class_weight", default: .none), ParameterSpec("sample_weight", default: .none),
            ParameterSpec("cache_frozen", default: true, kind: .bool),
        ], aliases: ["fit_generator"]) { session, args, interpreter in
            let checkpointer = try session.checkpointer(args, interpreter: interpreter)
            let callbacks = try session.callbacks(args)
            if let graph = session.listModel(args) {
                let progress = ProgressOptions(verbose: try args.int("verbose"), interactive: session.interactiveOutput,
                                               write: { interpreter.write($0) }, shouldStop: { interpreter.isCancelled })
                let history = try session.fitLists(graph, args, progress: progress, checkpointer: checkpointer, callbacks: callbacks)
                interpreter.report?.addHistory(Dictionary(uniqueKeysWithValues: history.entries.map { ($0.0, $0.1) }))
                return .object(HistoryObject(history))
            }
            let model = try args.model("model")
            if model.trainabilityChangedSinceCompile {
                interpreter.write("warning: layers were frozen or unfrozen after compile(); as in Keras, fit trains the weights that were trainable at compile time. Call compile() again to apply the change.\n")
            }
            let progress = ProgressOptions(verbose: try args.int("verbose"), interactive: session.interactiveOutput,
                                           write: { interpreter.write($0) }, shouldStop: { interpreter.isCancelled })
            let history: History
            if case .object(let object as BatchSourceObject) = args["x"] {
                if try args.double("validation_split") != 0 {
                    throw ScriptError(.value, "fit(): `validation_split` is only supported for arrays, as in Keras; a flow takes validation_data=another flow (or ImageDataGenerator(validation_split=) with subset=)")
                }
                var validation: BatchSource?
                if case .object(let v as BatchSourceObject) = args["validation_data"] { validation = v.batchSource }
                else if !args["validation_data"].isNone {
                    throw args.typeError("validation_data", expected: "a flow (flow_from_directory) when training from a flow")
                }
                history = try model.fit(source: object.batchSource, stepsPerEpoch: try args.optionalInt("steps_per_epoch"),
                                        epochs: try args.int("epochs"), validation: validation,
                                        validationSteps: try args.optionalInt("validation_steps"), progress: progress,
                                        checkpointer: checkpointer, callbacks: callbacks, classWeight: try session.classWeight(args),
                                        cacheFrozen: try args.bool("cache_frozen"))
            } else {
                let x = try args.tensor("x")
                guard !args["y"].isNone else {
                    throw ScriptError(.value, "fit(model, x, y): y (the labels) is missing; pass y, or a flow from flow_from_directory as x")
                }
                let (training, validation) = try session.splitForValidation(args, x: x, y: try args.tensor("y"),
                                                                            sampleWeight: try session.sampleWeight(args))
                history = try model.fit(x: training.x, y: training.y, epochs: try args.int("epochs"),
                                        batchSize: try args.optionalInt("batch_size") ?? 32,
                                        validationData: validation, shuffle: try args.bool("shuffle"),
                                        progress: progress, checkpointer: checkpointer, callbacks: callbacks,
                                        sampleWeight: training.weights, classWeight: try session.classWeight(args),
                                        cacheFrozen: try args.bool("cache_frozen"))
            }
            interpreter.report?.addHistory(Dictionary(uniqueKeysWithValues: history.entries.map { ($0.0, $0.1) }))
            return .object(HistoryObject(history))
        }
    }

    /// `class_weight={0: 1.0, 1: 2.0}`: a weight per class index.
    func classWeight(_ args: CallArguments) throws -> [Int: Float]? {
        if args["class_weight"].isNone { return nil }
        guard case .dict(let dict) = args["class_weight"] else {
            throw args.typeError("class_weight", expected: "a dict from class index to weight, e.g. {0: 1.0, 1: 2.0}")
        }
        var weights: [Int: Float] = [:]
        for (key, value) in dict.entries {
            guard let label = classIndex(key), let weight = value.asDouble else {
                throw args.typeError("class_weight", expected: "a dict from class index (int) to weight (number)")
            }
            weights[label] = Float(weight)
        }
        return weights
    }

    /// A class index as a dict key: an int (Python's dicts), or its digits where dict keys are strings.
    private func classIndex<Key>(_ key: Key) -> Int? {
        if let value = key as? Value { return value.asInt ?? value.asString.flatMap { Int($0) } }
        return (key as? String).flatMap { Int($0) }
    }

    /// `sample_weight=array`: one weight per training sample (arrays only, as in Keras).
    private func sampleWeight(_ args: CallArguments) throws -> [Float]? {
        if args["sample_weight"].isNone { return nil }
        if !args["class_weight"].isNone {
            throw ScriptError(.value, "fit(): give class_weight or sample_weight, not both")
        }
        return try args["sample_weight"].toTensor(argument: "sample_weight", command: "fit").scalars
    }

    /// `callbacks=[EarlyStopping(...), ...]` (a single callback is accepted too).
    private func callbacks(_ args: CallArguments) throws -> [TrainingCallback] {
        if args["callbacks"].isNone { return [] }
        if case .object(let single as CallbackObject) = args["callbacks"] { return [single.callback] }
        return try args.list("callbacks").map { item in
            guard case .object(let object as CallbackObject) = item else {
                throw ScriptError(.type, "fit(): each callback must be one of tl's Keras callbacks (EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, CSVLogger, LearningRateScheduler, LambdaCallback), got \(item.typeName)")
            }
            return object.callback
        }
    }

    /// Keras's `validation_split`: the last `floor(n * split)` samples (before shuffling) validate, the
    /// rest train; `validation_data`, when given, wins, as in Keras.
    private func splitForValidation(_ args: CallArguments, x: Tensor, y: Tensor, sampleWeight: [Float]?) throws
        -> (training: (x: Tensor, y: Tensor, weights: [Float]?), validation: (Tensor, Tensor)?) {
        let split = try args.double("validation_split")
        guard split >= 0 && split < 1 else {
            throw ScriptError(.value, "fit(): validation_split must be in [0, 1), got \(split)")
        }
        if let given = try validationArrays(args) { return ((x, y, sampleWeight), given) }
        guard split > 0 else { return ((x, y, sampleWeight), nil) }
        let count = x.shape.first ?? 0
        let splitAt = Int((Double(count) * (1 - split)).rounded(.down))
        guard splitAt > 0 && splitAt < count else {
            throw ScriptError(.value, "Training data contains \(count) samples, which is not sufficient to split it into a validation and training set as specified by `validation_split=\(split)`. Either provide more data, or a different value for the `validation_split` argument.")
        }
        guard y.shape.first == count else {
            throw ScriptError(.value, "fit(): x has \(count) samples but y has \(y.shape.first ?? 0)")
        }
        let weights = sampleWeight.map { Array($0[..<splitAt]) }
        return ((x.slice(0..<splitAt), y.slice(0..<splitAt), weights),
                (x.slice(splitAt..<count), y.slice(splitAt..<count)))
    }

    private func validationArrays(_ args: CallArguments) throws -> (Tensor, Tensor)? {
        if args["validation_data"].isNone { return nil }
        guard let pair = args["validation_data"].asSequence, pair.count == 2 else {
            throw args.typeError("validation_data", expected: "a pair (x_val, y_val)")
        }
        return (try pair[0].toTensor(argument: "validation_data", command: "fit"),
                try pair[1].toTensor(argument: "validation_data", command: "fit"))
    }

    private func registerEvaluate() {
        command("evaluate", parameters: [
            ParameterSpec("model", kind: .object), ParameterSpec("x"), ParameterSpec("y", default: .none),
            ParameterSpec("batch_size", default: .none), ParameterSpec("steps", default: .none), ParameterSpec("verbose", default: 1, kind: .int),
            ParameterSpec("return_dict", default: false, kind: .bool), ParameterSpec("cache_frozen", default: true, kind: .bool),
        ], aliases: ["evaluate_generator"]) { session, args, interpreter in
            let bar = session.inferenceBar(verbose: try args.int("verbose"), interpreter: interpreter)
            let stop = { try interpreter.throwIfCancelled() }
            let result: [Double]
            let graph = session.listModel(args)
            let model: any Model = try graph ?? args.model("model")
            if let graph {
                result = try session.evaluateLists(graph, args, checkCancelled: stop)
            } else if case .object(let object as BatchSourceObject) = args["x"] {
                let steps = try args.optionalInt("steps")
                result = try model.evaluate(source: object.inferencePass(batches: steps ?? object.batchSource.batchesPerEpoch), steps: steps,
                                            cacheFrozen: try args.bool("cache_frozen"), checkCancelled: stop, afterBatch: bar.update)
            } else {
                guard !args["y"].isNone else { throw ScriptError(.value, "evaluate(model, x, y): y (the labels) is missing") }
                result = try model.evaluate(x: try args.tensor("x"), y: try args.tensor("y"), batchSize: try args.optionalInt("batch_size") ?? 32,
                                            cacheFrozen: try args.bool("cache_frozen"), checkCancelled: stop, afterBatch: bar.update)
            }
            let names = ["loss"] + (model.compiled?.metrics ?? [])
            var evaluation: [String: Double] = [:]
            for (name, value) in zip(names, result) { evaluation[name] = value }
            interpreter.report?.addEvaluation(evaluation)
            bar.finish(Array(zip(names, result)))
            if try args.bool("return_dict") { return .dict(ValueDictionary(zip(names, result).map { ($0, .float($1)) })) }
            return result.count == 1 ? .float(result[0]) : .list(result.map { .float($0) })
        }
    }

    private func registerPredict() {
        command("predict", parameters: [
            ParameterSpec("model", kind: .object), ParameterSpec("x"), ParameterSpec("batch_size", default: .none),
            ParameterSpec("steps", default: .none), ParameterSpec("verbose", default: 0, kind: .int),
        ], aliases: ["predict_generator", "predict_on_batch"]) { session, args, interpreter in
            let model = try args.layer("model")
            let bar = session.inferenceBar(verbose: try args.int("verbose"), interpreter: interpreter)
            if let graph = session.listModel(args), !(args["x"].asObject is BatchSourceObject),
               args["x"].asString == nil, args["x"].asSequence?.first?.asString == nil {
                return try session.predictLists(graph, args, checkCancelled: { try interpreter.throwIfCancelled() })
            }
            if let paths = args["x"].asString.map({ [$0] }) ?? args["x"].asSequence?.compactMap(\.asString),
               !paths.isEmpty, paths.count == (args["x"].asSequence?.count ?? 1) {
                let files = try PhotoPrediction.files(paths)
                return .object(ArrayObject(try PhotoPrediction.outputs(of: model, files: files, batchSize: try args.optionalInt("batch_size") ?? 32,
                                                                       checkCancelled: { try interpreter.throwIfCancelled() })))
            }
            if case .object(let object as BatchSourceObject) = args["x"] {
                let steps = try args.optionalInt("steps") ?? object.batchSource.batchesPerEpoch
                guard steps >= 1 else { throw ScriptError(.value, "argument 'steps' of predict() must be at least 1, got \(steps)") }
                let source = object.inferencePass(batches: steps)
                var parts: [Tensor] = []
                for step in 0..<steps {
                    try interpreter.throwIfCancelled()
                    parts.append(try model(try source.nextBatch().inputs))
                    bar.update(done: step + 1, total: steps)
                }
                bar.finish([])
                return .object(ArrayObject(Tensor.concatenate(parts)))
            }
            let output = try model.predict(x: try args.tensor("x"), batchSize: try args.optionalInt("batch_size") ?? 32,
                                           checkCancelled: { try interpreter.throwIfCancelled() }, afterBatch: bar.update)
            bar.finish([])
            return .object(ArrayObject(output))
        }
    }

    /// Keras's progress for `evaluate` and `predict`: nothing (`verbose=0`), a bar (1) or one line (2).
    func inferenceBar(verbose: Int, interpreter: Interpreter) -> InferenceProgress {
        InferenceProgress(verbose: verbose, interactive: interactiveOutput, write: { interpreter.write($0) })
    }

    /// `fit(..., checkpoint="dir", resume=True)`: the folder fit saves into after every epoch, and whether
    /// to continue from what it holds. The path is used as given (relative to the current directory, not
    /// the report folder), so a rerun of the same script finds it.
    func checkpointer(_ args: CallArguments, interpreter: Interpreter) throws -> CheckpointDirectory? {
        let resume = try args.bool("resume")
        guard let folder = try args.optionalString("checkpoint") else {
            if resume { throw ScriptError(.value, "fit(resume=True) needs checkpoint=\"folder\": the folder the interrupted run saved into") }
            return nil
        }
        guard !folder.isEmpty else { throw ScriptError(.value, "argument 'checkpoint' of fit() must name a folder, got an empty string") }
        return CheckpointDirectory(path: folder, resume: resume, announce: { interpreter.write($0) })
    }
}
