import Foundation
import TLNN
import TLZoo
import TLScript
import TLSaving

/// A Keras callback made in a script (`EarlyStopping(...)`), for `fit(callbacks=[...])`.
final class CallbackObject: HostObject {
    let callback: TrainingCallback
    let typeName: String
    let arguments: [(String, Value)]

    init(_ callback: TrainingCallback, typeName: String, arguments: [(String, Value)]) {
        self.callback = callback
        self.typeName = typeName
        self.arguments = arguments
    }

    var summaryDescription: String { "\(typeName)(" + arguments.map { "\($0.0)=\($0.1.repr)" }.joined(separator: ", ") + ")" }
    var attributeNames: [String] { arguments.map(\.0) + extraAttributeNames }

    private var extraAttributeNames: [String] {
        switch callback {
        case is EarlyStopping: return ["stopped_epoch", "best", "wait"]
        case is ModelCheckpoint: return ["best"]
        default: return []
        }
    }

    func attribute(_ name: String) throws -> Value? {
        switch (callback, name) {
        case (let stopper as EarlyStopping, "stopped_epoch"): return .int(stopper.stoppedEpoch)
        case (let stopper as EarlyStopping, "best"): return stopper.best.map(Value.float) ?? Value.none
        case (let stopper as EarlyStopping, "wait"): return .int(stopper.wait)
        case (let checkpoint as ModelCheckpoint, "best"): return checkpoint.best.map(Value.float) ?? Value.none
        default: return arguments.first { $0.0 == name }?.1
        }
    }
}

/// A metric made in a script (`metrics.AUC()`), for `compile(metrics=[...])`.
final class MetricObject: HostObject {
    let definition: MetricDefinition
    let typeName: String

    init(_ definition: MetricDefinition, typeName: String) {
        self.definition = definition
        self.typeName = typeName
    }

    var summaryDescription: String { "<\(typeName) name=\(definition.name)>" }
    var attributeNames: [String] { ["name"] }
    func attribute(_ name: String) throws -> Value? { name == "name" ? .string(definition.name) : nil }
}

extension Session {
    func registerCallbackCommands() {
        registerMonitoringCallbacks()
        registerLambdaCallback()
        registerFileCallbacks()
        registerMetricConstructors()
    }

    /// What a callback stored in a variable throws when called after its session has gone.
    static let endedSession = ScriptError(.runtime, "the session this callback belonged to has ended")

    /// The arguments a callback was given, in declaration order, for its description.
    private func givenArguments(_ args: CallArguments, _ parameters: [ParameterSpec]) -> [(String, Value)] {
        parameters.map(\.name).filter { args.isProvided($0) }.map { ($0, args[$0]) }
    }

    private func monitorRule(_ args: CallArguments, minDelta: Double = 0) throws -> MonitorRule {
        let modeName = try args.string("mode")
        guard let mode = MonitorRule.Mode(rawValue: modeName) else {
            throw ScriptError(.value, "argument 'mode' of \(args.commandName)() must be \"auto\", \"min\" or \"max\", got \"\(modeName)\"")
        }
        do { return try MonitorRule(monitor: try args.string("monitor"), mode: mode, minDelta: minDelta) } catch let error as ModelError {
            throw ScriptError(.value, "\(args.commandName)(): \(error.description)")
        }
    }

    private func registerMonitoringCallbacks() {
        let stopping = [ParameterSpec("monitor", default: "val_loss", kind: .string), ParameterSpec("min_delta", default: 0, kind: .number),
                        ParameterSpec("patience", default: 0, kind: .int), ParameterSpec("verbose", default: 0, kind: .int),
                        ParameterSpec("mode", default: "auto", kind: .string),
                        ParameterSpec("baseline", default: .none), ParameterSpec("restore_best_weights", default: false, kind: .bool),
                        ParameterSpec("start_from_epoch", default: 0, kind: .int)]
        command("early_stopping", parameters: stopping,
                aliases: ["EarlyStopping", "callbacks.EarlyStopping", "keras.callbacks.EarlyStopping"]) { session, args, _ in
            let callback = EarlyStopping(rule: try session.monitorRule(args, minDelta: try args.double("min_delta")),
                                         patience: try args.int("patience"),
                                         restoreBestWeights: try args.bool("restore_best_weights"),
                                         baseline: args["baseline"].isNone ? nil : try args.double("baseline"),
                                         startFromEpoch: try args.int("start_from_epoch"), verbose: try args.int("verbose"))
            return .object(CallbackObject(callback, typeName: "EarlyStopping", arguments: session.givenArguments(args, stopping)))
        }

        let plateau = [ParameterSpec("monitor", default: "val_loss", kind: .string), ParameterSpec("factor", default: 0.1, kind: .number),
                       ParameterSpec("patience", default: 10, kind: .int), ParameterSpec("verbose", default: 0, kind: .int),
                       ParameterSpec("mode", default: "auto", kind: .string), ParameterSpec("min_delta", default: 1e-4, kind: .number),
                       ParameterSpec("cooldown", default: 0, kind: .int), ParameterSpec("min_lr", default: 0.0, kind: .number)]
        command("reduce_lr_on_plateau", parameters: plateau,
                aliases: ["ReduceLROnPlateau", "callbacks.ReduceLROnPlateau", "keras.callbacks.ReduceLROnPlateau"]) { session, args, _ in
            do {
                let callback = try ReduceLROnPlateau(
                    rule: try session.monitorRule(args, minDelta: try args.double("min_delta")), factor: try args.double("factor"),
                    patience: try args.int("patience"), cooldown: try args.int("cooldown"),
                    minLearningRate: try args.double("min_lr"), verbose: try args.int("verbose"))
                return .object(CallbackObject(callback, typeName: "ReduceLROnPlateau", arguments: session.givenArguments(args, plateau)))
            } catch let error as ModelError {
                throw ScriptError(.value, error.description)
            }
        }

        let scheduler = [ParameterSpec("schedule"), ParameterSpec("verbose", default: 0, kind: .int)]
        command("learning_rate_scheduler", parameters: scheduler,
                aliases: ["LearningRateScheduler", "callbacks.LearningRateScheduler", "keras.callbacks.LearningRateScheduler"]) { session, args, interpreter in
            let schedule = args["schedule"]
            guard case .command = schedule else { throw args.typeError("schedule", expected: "a function: def schedule(epoch, lr) or a lambda") }
            // Weakly: the callback lives in the interpreter's variables.
            let callback = LearningRateScheduler(verbose: try args.int("verbose")) { [weak interpreter] epoch, rate in
                guard let interpreter else { throw Self.endedSession }
                return try Self.callSchedule(schedule, epoch: epoch, rate: rate, interpreter: interpreter)
            }
            return .object(CallbackObject(callback, typeName: "LearningRateScheduler", arguments: session.givenArguments(args, scheduler)))
        }
    }

    /// Keras's call of a schedule: `schedule(epoch, lr)`, or `schedule(epoch)` when that raises TypeError.
    private static func callSchedule(_ schedule: Value, epoch: Int, rate: Double, interpreter: Interpreter) throws -> Double {
        var result: Value
        do {
            result = try interpreter.call(schedule, [.int(epoch), .float(rate)])
        } catch let error as ScriptError where error.kind == .type || error.kind == .argument {
            result = try interpreter.call(schedule, [.int(epoch)])
        }
        guard let number = try result.scalarOrSelf().asDouble else {
            throw ScriptError(.value, "The output of the `schedule` function should be a float. Got: \(result.repr)")
        }
        return number
    }

    private func registerLambdaCallback() {
        let hooks = ["on_epoch_begin", "on_epoch_end", "on_train_begin", "on_train_end"]
        let parameters = hooks.map { ParameterSpec($0, default: .none) }
        command("lambda_callback", parameters: parameters,
                aliases: ["LambdaCallback", "callbacks.LambdaCallback", "keras.callbacks.LambdaCallback"]) { session, args, interpreter in
            for hook in hooks where !args[hook].isNone {
                guard case .command = args[hook] else { throw args.typeError(hook, expected: "a function (a def or a lambda)") }
            }
            // Not a ternary with `nil`: Value is ExpressibleByNilLiteral, so `nil` there would be Value.none.
            func function(_ hook: String) -> Value? {
                if args[hook].isNone { return Optional<Value>.none }
                return args[hook]
            }
            // Weakly: the callback lives in the interpreter's variables.
            let call: (Value, [Value]) throws -> Void = { [weak interpreter] function, arguments in
                guard let interpreter else { throw Self.endedSession }
                _ = try interpreter.call(function, arguments)
            }
            let callback = LambdaCallback(
                onTrainBegin: function("on_train_begin").map { f in { try call(f, [.none]) } },
                onTrainEnd: function("on_train_end").map { f in { try call(f, [.none]) } },
                onEpochBegin: function("on_epoch_begin").map { f in { epoch in try call(f, [.int(epoch), .none]) } },
                onEpochEnd: function("on_epoch_end").map { f in { epoch, logs in
                    let values = Value.dict(ValueDictionary(logs.entries.map { ($0.0, Value.float($0.1)) }))
                    try call(f, [.int(epoch), values])
                } })
            return .object(CallbackObject(callback, typeName: "LambdaCallback", arguments: session.givenArguments(args, parameters)))
        }
    }

    private func registerFileCallbacks() {
        let checkpoint = [ParameterSpec("filepath", kind: .string), ParameterSpec("monitor", default: "val_loss", kind: .string),
                          ParameterSpec("verbose", default: 0, kind: .int), ParameterSpec("save_best_only", default: false, kind: .bool),
                          ParameterSpec("save_weights_only", default: false, kind: .bool), ParameterSpec("mode", default: "auto", kind: .string)]
        command("model_checkpoint", parameters: checkpoint,
                aliases: ["ModelCheckpoint", "callbacks.ModelCheckpoint", "keras.callbacks.ModelCheckpoint"]) { session, args, _ in
            let filepath = try args.string("filepath")
            guard !filepath.isEmpty else { throw ScriptError(.value, "argument 'filepath' of model_checkpoint() must name a file") }
            let callback = ModelCheckpoint(
                filepath: filepath, rule: try session.monitorRule(args), saveBestOnly: try args.bool("save_best_only"),
                saveWeightsOnly: try args.bool("save_weights_only"), verbose: try args.int("verbose")) { model, path, weightsOnly in
                    if weightsOnly { try KerasWeights.save(model, path: path) } else { try ModelFile.save(model, path: path) }
                }
            return .object(CallbackObject(callback, typeName: "ModelCheckpoint", arguments: session.givenArguments(args, checkpoint)))
        }

        let logger = [ParameterSpec("filename", kind: .string), ParameterSpec("separator", default: ",", kind: .string),
                      ParameterSpec("append", default: false, kind: .bool)]
        command("csv_logger", parameters: logger,
                aliases: ["CSVLogger", "callbacks.CSVLogger", "keras.callbacks.CSVLogger"]) { session, args, _ in
            let callback = CSVLogger(path: try args.string("filename"), separator: try args.string("separator"), append: try args.bool("append"))
            return .object(CallbackObject(callback, typeName: "CSVLogger", arguments: session.givenArguments(args, logger)))
        }
    }

    private func registerMetricConstructors() {
        for (name, typeName, kerasName) in [("auc", "AUC", "AUC"), ("precision", "Precision", "Precision"), ("recall", "Recall", "Recall"),
                                            ("binary_accuracy", "BinaryAccuracy", "binary_accuracy"),
                                            ("categorical_accuracy", "CategoricalAccuracy", "categorical_accuracy")] {
            var parameters = [ParameterSpec("name", default: .none)]
            if name == "auc" { parameters.append(ParameterSpec("num_thresholds", default: 200, kind: .int)) }
            if ["precision", "recall"].contains(name) { parameters.append(ParameterSpec("thresholds", default: .none)) }
            if name == "binary_accuracy" { parameters.append(ParameterSpec("threshold", default: 0.5, kind: .number)) }
            command(name, parameters: parameters,
                    aliases: [typeName, "metrics.\(typeName)", "keras.metrics.\(typeName)"]) { _, args, _ in
                var definition = MetricDefinition(kerasName: kerasName)!
                if let given = try args.optionalString("name") { definition.name = given }
                switch definition.kind {
                case .auc:
                    let count = try args.int("num_thresholds")
                    guard count > 1 else { throw ScriptError(.value, "Argument `num_thresholds` must be an integer > 1. Received: num_thresholds=\(count)") }
                    definition.kind = .auc(thresholds: count)
                case .precision: definition.kind = .precision(threshold: args["thresholds"].isNone ? 0.5 : try args.double("thresholds"))
                case .recall: definition.kind = .recall(threshold: args["thresholds"].isNone ? 0.5 : try args.double("thresholds"))
                case .binaryAccuracy: definition.kind = .binaryAccuracy(threshold: try args.double("threshold"))
                default: break
                }
                return .object(MetricObject(definition, typeName: typeName))
            }
        }
    }
}
