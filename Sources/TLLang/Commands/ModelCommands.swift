import Foundation
import TLTensor
import TLNN
import TLZoo
import TLScript

extension Session {
    func registerModelCommands() {
        registerPretrainedBases()
        registerModelBuilding()
        registerLayerConstructors()
        registerAddShorthands()
        registerTrainabilityCommands()
    }

    /// VGG16 and EfficientNet-Lite, with Keras's arguments.
    private func registerPretrainedBases() {
        command("load_vgg16", parameters: [
            ParameterSpec("weights", default: "imagenet"),
            ParameterSpec("include_top", default: true, kind: .bool),
            ParameterSpec("input_shape", default: .none),
            ParameterSpec("pooling", default: .none),
            ParameterSpec("classes", default: 1000, kind: .int),
        ], aliases: ["VGG16", "applications.VGG16", "keras.applications.VGG16", "vgg16.VGG16"]) { _, args, _ in
            let model = try VGG16.load(weights: try WeightsArgument(args).vgg16, includeTop: try args.bool("include_top"),
                                       inputShape: try args.shape("input_shape"), pooling: try args.pooling(), classes: try args.int("classes"))
            return .object(ModelObject(model))
        }

        for (name, variant) in [("load_efficientnet_lite0", EfficientNetLite.Variant.lite0), ("load_efficientnet_lite1", .lite1),
                                ("load_efficientnet_lite2", .lite2)] {
            command(name, parameters: [
                ParameterSpec("weights", default: "imagenet"), ParameterSpec("include_top", default: true, kind: .bool),
                ParameterSpec("input_shape", default: .none), ParameterSpec("pooling", default: .none),
                ParameterSpec("classes", default: 1000, kind: .int),
            ]) { _, args, _ in
                let weights = try WeightsArgument(args, fileKind: "a .pth file").efficientNetLite
                let model = try EfficientNetLite.load(variant, weights: weights, includeTop: try args.bool("include_top"),
                                                      inputShape: try args.shape("input_shape"), pooling: try args.pooling(),
                                                      classes: try args.int("classes"))
                return .object(ModelObject(model))
            }
        }

    }

    /// `summary`, `sequential` and `add`.
    private func registerModelBuilding() {
        command("summary", parameters: [ParameterSpec("model", kind: .object)]) { _, args, interpreter in
            guard case .object(let object as ModelObject) = args["model"] else {
                throw args.typeError("model", expected: "a model (from sequential(), load_vgg16() or load_efficientnet_lite0())")
            }
            interpreter.write(object.summary + "\n")
            return .none
        }

        command("sequential", parameters: [ParameterSpec("layers", default: .none), ParameterSpec("name", default: .none)],
                aliases: ["Sequential", "models.Sequential", "keras.models.Sequential", "keras.Sequential"]) { session, args, _ in
            let model = Sequential(name: try args.optionalString("name"))
            if !args["layers"].isNone {
                for (i, item) in try args.list("layers").enumerated() {
                    if try session.declaresInput(item, on: model) { continue }
                    guard case .object(let object) = item, let backed = object as? LayerBacked else {
                        throw ScriptError(.type, "item \(i) of argument 'layers' of sequential() must be a layer, got \(item.typeName)")
                    }
                    try session.add(backed.layer, from: backed, to: model)
                }
            }
            return .object(ModelObject(model))
        }

        command("add", parameters: [ParameterSpec("model", kind: .object), ParameterSpec("layer", kind: .object)]) { session, args, _ in
            if try session.declaresInput(args["layer"], on: try args.sequential("model")) { return .none }
            guard case .object(let object) = args["layer"], let backed = object as? LayerBacked else {
                throw args.typeError("layer", expected: "a layer (dense(...), flatten(), ...) or a model")
            }
            try session.add(backed.layer, from: backed, to: try args.sequential("model"))
            return .none
        }

    }

    /// Layer constructors; input_shape / input_dim are remembered and applied when added first.
    private func registerLayerConstructors() {
        command("dense", parameters: [
            ParameterSpec("units", kind: .int), ParameterSpec("activation", default: Value.none),
            ParameterSpec("input_dim", default: .none), ParameterSpec("input_shape", default: .none), ParameterSpec("name", default: .none),
        ], aliases: ["Dense", "layers.Dense", "keras.layers.Dense"]) { session, args, _ in
            let units = try args.int("units")
            guard units > 0 else { throw ScriptError(.value, "argument 'units' of dense() must be positive, got \(units)") }
            let layer = Dense(units: units, activation: try session.activation(args), name: try args.optionalString("name"))
            var shape = try args.shape("input_shape")
            if let dim = try args.optionalInt("input_dim") { shape = [dim] }
            return .object(PendingLayer(layer, inputShape: shape))
        }
        command("dropout", parameters: [ParameterSpec("rate", kind: .number), ParameterSpec("seed", default: .none), ParameterSpec("name", default: .none),
                                        ParameterSpec("input_shape", default: .none)],
                aliases: ["Dropout", "layers.Dropout", "keras.layers.Dropout"]) { _, args, _ in
            let rate = try args.double("rate")
            guard rate >= 0 && rate < 1 else { throw ScriptError(.value, "argument 'rate' of dropout() must be in [0, 1), got \(rate)") }
            return .object(PendingLayer(Dropout(rate: Float(rate), seed: try args.optionalInt("seed").map(UInt64.init), name: try args.optionalString("name")),
                                        inputShape: try args.shape("input_shape")))
        }
        command("flatten", parameters: [ParameterSpec("input_shape", default: .none), ParameterSpec("name", default: .none)],
                aliases: ["Flatten", "layers.Flatten", "keras.layers.Flatten"]) { _, args, _ in
            .object(PendingLayer(Flatten(name: try args.optionalString("name")), inputShape: try args.shape("input_shape")))
        }
        command("conv2d", parameters: [
            ParameterSpec("filters", kind: .int), ParameterSpec("kernel_size"), ParameterSpec("strides", default: 1),
            ParameterSpec("padding", default: "valid", kind: .string), ParameterSpec("activation", default: Value.none),
            ParameterSpec("input_shape", default: .none), ParameterSpec("name", default: .none),
        ], aliases: ["Conv2D", "layers.Conv2D", "keras.layers.Conv2D"]) { session, args, _ in
            let layer = Conv2D(filters: try args.int("filters"), kernelSize: try args.pair("kernel_size"), strides: try args.pair("strides"),
                               padding: try session.padding(args), activation: try session.activation(args), name: try args.optionalString("name"))
            return .object(PendingLayer(layer, inputShape: try args.shape("input_shape")))
        }
        command("max_pooling2d", parameters: [
            ParameterSpec("pool_size", default: .tuple([2, 2])), ParameterSpec("strides", default: .none),
            ParameterSpec("padding", default: "valid", kind: .string), ParameterSpec("name", default: .none),
            ParameterSpec("input_shape", default: .none),
        ], aliases: ["MaxPooling2D", "layers.MaxPooling2D", "keras.layers.MaxPooling2D", "MaxPool2D", "layers.MaxPool2D"]) { session, args, _ in
            let pool = try args.pair("pool_size")
            let strides = args["strides"].isNone ? pool : try args.pair("strides")
            return .object(PendingLayer(MaxPooling2D(poolSize: pool, strides: strides, padding: try session.padding(args), name: try args.optionalString("name")),
                                        inputShape: try args.shape("input_shape")))
        }
        command("batch_normalization", parameters: [
            ParameterSpec("axis", default: -1, kind: .int), ParameterSpec("momentum", default: 0.99, kind: .number),
            ParameterSpec("epsilon", default: 0.001, kind: .number), ParameterSpec("center", default: true, kind: .bool),
            ParameterSpec("scale", default: true, kind: .bool), ParameterSpec("name", default: .none), ParameterSpec("input_shape", default: .none),
        ], aliases: ["BatchNormalization", "layers.BatchNormalization", "keras.layers.BatchNormalization"]) { _, args, _ in
            guard try args.int("axis") == -1 else {
                throw ScriptError(.notImplemented, "BatchNormalization over an axis other than the last (axis=-1, channels last) is not supported in tl")
            }
            guard try args.bool("center") else { throw ScriptError(.notImplemented, "BatchNormalization(center=False) is not supported in tl") }
            let momentum = try args.double("momentum"), epsilon = try args.double("epsilon")
            guard momentum >= 0 && momentum <= 1 else { throw ScriptError(.value, "argument 'momentum' of BatchNormalization must be in [0, 1], got \(momentum)") }
            guard epsilon > 0 else { throw ScriptError(.value, "argument 'epsilon' of BatchNormalization must be positive, got \(epsilon)") }
            let layer = BatchNormalization(momentum: Float(momentum), epsilon: Float(epsilon), scale: try args.bool("scale"),
                                           name: try args.optionalString("name"))
            return .object(PendingLayer(layer, inputShape: try args.shape("input_shape")))
        }
        command("global_average_pooling2d", parameters: [ParameterSpec("name", default: .none), ParameterSpec("input_shape", default: .none)],
                aliases: ["GlobalAveragePooling2D", "layers.GlobalAveragePooling2D"]) { _, args, _ in
            .object(PendingLayer(GlobalAveragePooling2D(name: try args.optionalString("name")), inputShape: try args.shape("input_shape")))
        }

    }

    /// The `add_*` shorthands of `add(model, layer(...))`.
    private func registerAddShorthands() {
        command("add_dense", parameters: [
            ParameterSpec("model", kind: .object), ParameterSpec("units", kind: .int), ParameterSpec("activation", default: Value.none),
            ParameterSpec("input_dim", default: .none), ParameterSpec("name", default: .none),
        ]) { session, args, interpreter in
            var forward = args
            forward.values["input_shape"] = Value.none
            let layer = try interpreter.command(named: "dense")!.body(forward, interpreter)
            guard case .object(let pending as PendingLayer) = layer else { return .none }
            try session.add(pending.layer, from: pending, to: try args.sequential("model"))
            return .none
        }
        command("add_dropout", parameters: [ParameterSpec("model", kind: .object), ParameterSpec("rate", kind: .number), ParameterSpec("name", default: .none)]) { session, args, interpreter in
            var forward = args
            forward.values["seed"] = Value.none
            guard case .object(let pending as PendingLayer) = try interpreter.command(named: "dropout")!.body(forward, interpreter) else { return .none }
            try session.add(pending.layer, from: pending, to: try args.sequential("model"))
            return .none
        }
        command("add_flatten", parameters: [ParameterSpec("model", kind: .object), ParameterSpec("name", default: .none)]) { session, args, _ in
            try session.add(Flatten(name: try args.optionalString("name")), from: nil, to: try args.sequential("model"))
            return .none
        }

    }

    /// Freezing, unfreezing and seeding.
    private func registerTrainabilityCommands() {
        command("freeze", parameters: [ParameterSpec("model", kind: .object)]) { _, args, interpreter in
            let layer = try args.layer("model")
            layer.trainable = false
            interpreter.write("froze '\(layer.name)': \(layer.weights.count) weight tensors no longer train\n")
            return .none
        }
        command("unfreeze", parameters: [ParameterSpec("model", kind: .object), ParameterSpec("from", default: .none)]) { _, args, interpreter in
            let model = try args.layer("model")
            model.trainable = true
            guard let from = try args.optionalString("from") else { return .none }
            let layers = model.sublayers
            guard let start = layers.firstIndex(where: { $0.name == from }) else {
                let names = layers.map(\.name)
                throw ScriptError(.value, "model '\(model.name)' has no layer '\(from)'\(closest(from, names)); its layers: \(names.joined(separator: ", "))")
            }
            for (i, layer) in layers.enumerated() { layer.trainable = i >= start }
            let count = layers[start...].reduce(0) { $0 + $1.weights.count }
            interpreter.write("'\(model.name)': layers before '\(from)' frozen, \(layers.count - start) layers from it on trainable (\(count) weight tensors)\n")
            return .none
        }

        command("set_seed", parameters: [ParameterSpec("seed", kind: .int)],
                aliases: ["keras.utils.set_random_seed", "utils.set_random_seed", "tf.random.set_seed", "np.random.seed"]) { session, args, _ in
            let seed = UInt64(bitPattern: Int64(try args.int("seed")))
            session.random.seed(seed)
            session.arrayRandom.seed(seed)
            return .none
        }
    }

    func activation(_ args: CallArguments) throws -> Activation {
        let name = try args.optionalString("activation")
        guard let activation = Activation(kerasName: name) else {
            throw ScriptError(.value, "unknown activation '\(name ?? "")' in \(args.commandName)(); tl knows: \(Activation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return activation
    }

    func padding(_ args: CallArguments) throws -> Padding {
        let name = try args.string("padding").lowercased()
        guard let padding = Padding(rawValue: name) else {
            throw ScriptError(.value, "argument 'padding' of \(args.commandName)() must be \"valid\" or \"same\", got \"\(name)\"")
        }
        return padding
    }

    /// Keras 3's `keras.Input(shape=...)` first in a Sequential (in its list, or by `add`): whether `value` is
    /// one, its shape then declared as the model's input.
    func declaresInput(_ value: Value, on model: Sequential) throws -> Bool {
        guard case .object(let input as SymbolicTensorObject) = value, case .input = input.origin else { return false }
        do { try model.declareInputShape(input.shape) } catch let error as ModelError { throw ScriptError(.value, error.description) }
        return true
    }

    func add(_ layer: Layer, from object: HostObject?, to model: Sequential) throws {
        let shape = (object as? PendingLayer)?.inputShape
        try model.add(layer, inputShape: model.layers.isEmpty ? shape : nil)
    }
}

/// A layer made by a constructor, remembering the `input_shape` it was given for when it is added first.
final class PendingLayer: LayerBacked {
    let layer: Layer
    let inputShape: [Int?]?
    init(_ layer: Layer, inputShape: [Int?]? = nil) {
        self.layer = layer
        self.inputShape = inputShape
    }
    var typeName: String { layer.typeName }
    var summaryDescription: String { "\(layer.typeName) '\(layer.name)'\(layer.isBuilt ? ", \(groupedThousands(layer.parameterCount)) parameters" : " (weights created when added to a model)")" }
    var attributeNames: [String] { commonAttributeNames + ["input_shape", "output_shape"] }
    func attribute(_ name: String) throws -> Value? {
        switch name {
        case "input_shape": return kerasShapeValue(inputShape)
        case "output_shape": return kerasShapeValue(inputShape.flatMap { try? layer.outputShape(for: $0) })
        default: return layerAttribute(name)
        }
    }
    func setAttribute(_ name: String, _ value: Value) throws -> Bool { try setLayerAttribute(name, value) }
}

/// " (did you mean 'x'?)" for the closest of `names`, or nothing.
func closest(_ name: String, _ names: [String]) -> String {
    func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(b.count, 1) where !b.isEmpty {
                let current = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = current
            }
        }
        return row[b.count]
    }
    guard let best = names.min(by: { distance(name, $0) < distance(name, $1) }), distance(name, best) <= max(2, name.count / 3) else { return "" }
    return " (did you mean '\(best)'?)"
}
