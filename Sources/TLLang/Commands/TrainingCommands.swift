import Foundation
import TLTensor
import TLNN
import TLZoo
import TLScript

/// A script object that can feed `fit`, `evaluate` and `predict` batch by batch (a directory flow).
protocol BatchSourceObject: HostObject {
    var batchSource: BatchSource { get }
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
        register(CommandSpec(name: "rmsprop", parameters: learningRate + [
            ParameterSpec("rho", default: 0.9, kind: .number), ParameterSpec("epsilon", default: 1e-7, kind: .number),
        ], aliases: ["RMSprop", "optimizers.RMSprop", "keras.optimizers.RMSprop"]) { args, _ in
            .object(OptimizerObject(RMSprop(learningRate: try rate(args, default: 0.001), rho: Float(try args.double("rho")),
                                            epsilon: Float(try args.double("epsilon")))))
        })
        register(CommandSpec(name: "sgd", parameters: learningRate + [
            ParameterSpec("momentum", default: 0.0, kind: .number), ParameterSpec("nesterov", default: false, kind: .bool),
        ], aliases: ["SGD", "optimizers.SGD", "keras.optimizers.SGD"]) { args, _ in
            .object(OptimizerObject(SGD(learningRate: try rate(args, default: 0.01), momentum: Float(try args.double("momentum")),
                                        nesterov: try args.bool("nesterov"))))
        })
        register(CommandSpec(name: "adam", parameters: learningRate + [
            ParameterSpec("beta_1", default: 0.9, kind: .number), ParameterSpec("beta_2", default: 0.999, kind: .number),
            ParameterSpec("epsilon", default: 1e-7, kind: .number),
        ], aliases: ["Adam", "optimizers.Adam", "keras.optimizers.Adam"]) { args, _ in
            .object(OptimizerObject(Adam(learningRate: try rate(args, default: 0.001), beta1: Float(try args.double("beta_1")),
                                         beta2: Float(try args.double("beta_2")), epsilon: Float(try args.double("epsilon")))))
        })

        register(CommandSpec(name: "compile", parameters: [
            ParameterSpec("model", kind: .object), ParameterSpec("optimizer", default: "rmsprop"),
            ParameterSpec("loss", kind: .string), ParameterSpec("metrics", default: .list([])),
        ]) { args, _ in
            let model = try args.model("model")
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
            let lossName = try args.string("loss")
            guard let loss = Loss(kerasName: lossName) else {
                throw ScriptError(.value, "unknown loss '\(lossName)'\(closest(lossName, Loss.allCases.map(\.rawValue))); tl knows: \(Loss.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            try model.compile(optimizer: optimizer, loss: loss, metrics: try args.strings("metrics"))
            return .none
        })

        register(CommandSpec(name: "fit", parameters: [
            ParameterSpec("model", kind: .object), ParameterSpec("x"), ParameterSpec("y", default: .none),
            ParameterSpec("batch_size", default: .none), ParameterSpec("epochs", default: 1, kind: .int),
            ParameterSpec("verbose", default: 1, kind: .int), ParameterSpec("validation_data", default: .none),
            ParameterSpec("shuffle", default: true, kind: .bool), ParameterSpec("steps_per_epoch", default: .none),
            ParameterSpec("validation_steps", default: .none),
            ParameterSpec("checkpoint", default: .none), ParameterSpec("resume", default: false, kind: .bool),
        ], aliases: ["fit_generator"]) { args, interpreter in
            let model = try args.model("model")
            let checkpointer = try self.checkpointer(args, interpreter: interpreter)
            if model.trainabilityChangedSinceCompile {
                interpreter.write("warning: layers were frozen or unfrozen after compile(); as in Keras, fit trains the weights that were trainable at compile time. Call compile() again to apply the change.\n")
            }
            let progress = ProgressOptions(verbose: try args.int("verbose"), interactive: self.interactiveOutput,
                                           write: { interpreter.write($0) }, shouldStop: { interpreter.isCancelled })
            let history: History
            if case .object(let object as BatchSourceObject) = args["x"] {
                var validation: BatchSource?
                if case .object(let v as BatchSourceObject) = args["validation_data"] { validation = v.batchSource }
                else if !args["validation_data"].isNone {
                    throw args.typeError("validation_data", expected: "a flow (flow_from_directory) when training from a flow")
                }
                history = try model.fit(source: object.batchSource, stepsPerEpoch: try args.optionalInt("steps_per_epoch"),
                                        epochs: try args.int("epochs"), validation: validation,
                                        validationSteps: try args.optionalInt("validation_steps"), progress: progress,
                                        checkpointer: checkpointer)
            } else {
                let x = try args.tensor("x")
                guard !args["y"].isNone else {
                    throw ScriptError(.value, "fit(model, x, y): y (the labels) is missing; pass y, or a flow from flow_from_directory as x")
                }
                let y = try args.tensor("y")
                var validation: (Tensor, Tensor)?
                if !args["validation_data"].isNone {
                    guard let pair = args["validation_data"].asSequence, pair.count == 2 else {
                        throw args.typeError("validation_data", expected: "a pair (x_val, y_val)")
                    }
                    validation = (try pair[0].toTensor(argument: "validation_data", command: "fit"),
                                  try pair[1].toTensor(argument: "validation_data", command: "fit"))
                }
                history = try model.fit(x: x, y: y, epochs: try args.int("epochs"), batchSize: try args.optionalInt("batch_size") ?? 32,
                                        validationData: validation, shuffle: try args.bool("shuffle"), progress: progress,
                                        checkpointer: checkpointer)
            }
            interpreter.report?.addHistory(Dictionary(uniqueKeysWithValues: history.entries.map { ($0.0, $0.1) }))
            return .object(HistoryObject(history))
        })

        register(CommandSpec(name: "evaluate", parameters: [
            ParameterSpec("model", kind: .object), ParameterSpec("x"), ParameterSpec("y", default: .none),
            ParameterSpec("batch_size", default: .none), ParameterSpec("steps", default: .none), ParameterSpec("verbose", default: 1, kind: .int),
        ], aliases: ["evaluate_generator"]) { args, interpreter in
            let model = try args.model("model")
            let result: [Double]
            if case .object(let object as BatchSourceObject) = args["x"] {
                result = try model.evaluate(source: object.batchSource, steps: try args.optionalInt("steps"))
            } else {
                guard !args["y"].isNone else { throw ScriptError(.value, "evaluate(model, x, y): y (the labels) is missing") }
                result = try model.evaluate(x: try args.tensor("x"), y: try args.tensor("y"), batchSize: try args.optionalInt("batch_size") ?? 32)
            }
            let names = ["loss"] + (model.compiled?.metrics ?? [])
            var evaluation: [String: Double] = [:]
            for (name, value) in zip(names, result) { evaluation[name] = value }
            interpreter.report?.addEvaluation(evaluation)
            if try args.int("verbose") > 0 {
                interpreter.write(zip(names, result).map { "\($0): \(formatMetric($1))" }.joined(separator: " - ") + "\n")
            }
            return result.count == 1 ? .float(result[0]) : .list(result.map { .float($0) })
        })

        register(CommandSpec(name: "predict", parameters: [
            ParameterSpec("model", kind: .object), ParameterSpec("x"), ParameterSpec("batch_size", default: .none), ParameterSpec("steps", default: .none),
        ], aliases: ["predict_generator"]) { args, interpreter in
            let model = try args.layer("model")
            if case .object(let object as BatchSourceObject) = args["x"] {
                let source = object.batchSource
                let steps = try args.optionalInt("steps") ?? source.batchesPerEpoch
                var parts: [Tensor] = []
                for _ in 0..<steps {
                    try interpreter.throwIfCancelled()
                    parts.append(try model(try source.nextBatch().inputs))
                }
                return .object(ArrayObject(Tensor.concatenate(parts)))
            }
            let x = try args.tensor("x")
            if let sequential = model as? Sequential {
                return .object(ArrayObject(try sequential.predict(x: x, batchSize: try args.optionalInt("batch_size") ?? 32)))
            }
            return .object(ArrayObject(try model(x)))
        })

        register(CommandSpec(name: "save_weights", parameters: [ParameterSpec("model", kind: .object), ParameterSpec("path", kind: .string)]) { args, interpreter in
            let path = self.outputPath(try args.string("path"))
            try KerasWeights.save(try args.layer("model"), path: path)
            interpreter.write("saved weights to \(path)\n")
            return .none
        })
        register(CommandSpec(name: "load_weights", parameters: [
            ParameterSpec("model", kind: .object), ParameterSpec("path", kind: .string), ParameterSpec("by_name", default: false, kind: .bool),
        ]) { args, _ in
            try KerasWeights.load(into: try args.layer("model"), path: try args.string("path"), byName: try args.bool("by_name"))
            return .none
        })
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
