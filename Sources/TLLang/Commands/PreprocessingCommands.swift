import TLTensor
import TLNN
import TLScript

extension Session {
    /// The Keras preprocessing and augmentation layers that run inside a model.
    func registerPreprocessingCommands() {
        registerDeterministicPreprocessing()
        registerRandomAugmentation()
        registerGeometricAugmentation()
    }

    /// Keras's qualified names of a layer class.
    private func layerAliases(_ kerasName: String) -> [String] {
        [kerasName, "layers.\(kerasName)", "keras.layers.\(kerasName)", "tf.keras.layers.\(kerasName)",
         "layers.experimental.preprocessing.\(kerasName)"]
    }

    private func pending(_ args: CallArguments, _ make: () throws -> Layer) throws -> Value {
        do {
            return .object(PendingLayer(try make(), inputShape: try args.shape("input_shape")))
        } catch let error as ModelError { throw ScriptError(.value, error.description) }
    }

    private func registerDeterministicPreprocessing() {
        let common = [ParameterSpec("name", default: .none), ParameterSpec("input_shape", default: .none)]
        command("rescaling", parameters: [ParameterSpec("scale", kind: .number),
                                          ParameterSpec("offset", default: 0.0, kind: .number)] + common,
                aliases: layerAliases("Rescaling")) { session, args, _ in
            try session.pending(args) { Rescaling(scale: Float(try args.double("scale")), offset: Float(try args.double("offset")),
                                                  name: try args.optionalString("name")) }
        }
        command("resizing", parameters: [
            ParameterSpec("height", kind: .int), ParameterSpec("width", kind: .int),
            ParameterSpec("interpolation", default: "bilinear", kind: .string),
            ParameterSpec("crop_to_aspect_ratio", default: false, kind: .bool),
        ] + common, aliases: layerAliases("Resizing")) { session, args, _ in
            guard try args.string("interpolation") == "bilinear" else {
                throw ScriptError(.value, "Resizing(): tl resizes with interpolation=\"bilinear\" only")
            }
            return try session.pending(args) {
                try Resizing(height: try args.int("height"), width: try args.int("width"),
                             cropToAspectRatio: try args.bool("crop_to_aspect_ratio"), name: try args.optionalString("name"))
            }
        }
        command("center_crop", parameters: [ParameterSpec("height", kind: .int), ParameterSpec("width", kind: .int)] + common,
                aliases: layerAliases("CenterCrop")) { session, args, _ in
            try session.pending(args) {
                try Resizing(height: try args.int("height"), width: try args.int("width"), centerCrop: true, name: try args.optionalString("name"))
            }
        }
        command("normalization", parameters: [
            ParameterSpec("axis", default: -1), ParameterSpec("mean", default: .none), ParameterSpec("variance", default: .none),
        ] + common, aliases: layerAliases("Normalization")) { session, args, _ in
            guard args["axis"].asInt == -1 else {
                throw ScriptError(.value, "Normalization(): tl normalises the last axis (axis=-1) only")
            }
            let mean = args["mean"].isNone ? nil : try session.statistic(args, "mean")
            let variance = args["variance"].isNone ? nil : try session.statistic(args, "variance")
            guard (mean == nil) == (variance == nil) else {
                throw ScriptError(.value, "When setting values directly, both `mean` and `variance` must be set. Got mean: \(mean == nil ? "None" : "set") and variance: \(variance == nil ? "None" : "set")")
            }
            return try session.pending(args) { Normalization(mean: mean, variance: variance, name: try args.optionalString("name")) }
        }
    }

    private func statistic(_ args: CallArguments, _ name: String) throws -> [Float] {
        if let number = args[name].asDouble { return [Float(number)] }
        return try args[name].toTensor(argument: name, command: args.commandName).scalars
    }

    private func registerRandomAugmentation() {
        let common = [ParameterSpec("seed", default: .none), ParameterSpec("name", default: .none), ParameterSpec("input_shape", default: .none)]
        command("random_flip", parameters: [ParameterSpec("mode", default: "horizontal_and_vertical", kind: .string)] + common,
                aliases: layerAliases("RandomFlip")) { session, args, _ in
            try session.pending(args) { try RandomFlip(mode: try args.string("mode"), seed: try session.seed(args), name: try args.optionalString("name")) }
        }
        command("random_contrast", parameters: [ParameterSpec("factor")] + common,
                aliases: layerAliases("RandomContrast")) { session, args, _ in
            let range = try session.factor(args, "factor", symmetric: false)
            return try session.pending(args) {
                try RandomContrast(lower: range.0, upper: range.1, seed: try session.seed(args), name: try args.optionalString("name"))
            }
        }
        command("random_brightness", parameters: [ParameterSpec("factor"),
                                                  ParameterSpec("value_range", default: .tuple([0, 255]))] + common,
                aliases: layerAliases("RandomBrightness")) { session, args, _ in
            let range = try session.factor(args, "factor", symmetric: true)
            guard let bounds = args["value_range"].asSequence?.compactMap(\.asDouble), bounds.count == 2 else {
                throw args.typeError("value_range", expected: "a pair (low, high)")
            }
            return try session.pending(args) {
                try RandomBrightness(lower: range.0, upper: range.1, valueRange: (Float(bounds[0]), Float(bounds[1])),
                                     seed: try session.seed(args), name: try args.optionalString("name"))
            }
        }
    }

    private func registerGeometricAugmentation() {
        let common = [ParameterSpec("fill_mode", default: "reflect", kind: .string), ParameterSpec("interpolation", default: "bilinear", kind: .string),
                      ParameterSpec("seed", default: .none), ParameterSpec("fill_value", default: 0.0, kind: .number),
                      ParameterSpec("name", default: .none), ParameterSpec("input_shape", default: .none)]
        command("random_rotation", parameters: [ParameterSpec("factor")] + common,
                aliases: layerAliases("RandomRotation")) { session, args, _ in
            let range = try session.factor(args, "factor", symmetric: true)
            return try session.pending(args) {
                try RandomRotation(lower: range.0, upper: range.1, fillMode: try args.string("fill_mode"), interpolation: try args.string("interpolation"),
                                   fillValue: Float(try args.double("fill_value")), seed: try session.seed(args), name: try args.optionalString("name"))
            }
        }
        command("random_zoom", parameters: [ParameterSpec("height_factor"), ParameterSpec("width_factor", default: .none)] + common,
                aliases: layerAliases("RandomZoom")) { session, args, _ in
            let height = try session.factor(args, "height_factor", symmetric: true)
            let width = args["width_factor"].isNone ? nil : try session.factor(args, "width_factor", symmetric: true)
            return try session.pending(args) {
                try RandomZoom(height: height, width: width, fillMode: try args.string("fill_mode"), interpolation: try args.string("interpolation"),
                               fillValue: Float(try args.double("fill_value")), seed: try session.seed(args), name: try args.optionalString("name"))
            }
        }
        command("random_translation", parameters: [ParameterSpec("height_factor"), ParameterSpec("width_factor")] + common,
                aliases: layerAliases("RandomTranslation")) { session, args, _ in
            let height = try session.factor(args, "height_factor", symmetric: true)
            let width = try session.factor(args, "width_factor", symmetric: true)
            return try session.pending(args) {
                try RandomTranslation(height: height, width: width, fillMode: try args.string("fill_mode"), interpolation: try args.string("interpolation"),
                                      fillValue: Float(try args.double("fill_value")), seed: try session.seed(args), name: try args.optionalString("name"))
            }
        }
    }

    /// A Keras factor: a number `f` means `(-f, f)` (`(f, f)` for RandomContrast's lower and upper), a
    /// pair is `(lower, upper)`.
    private func factor(_ args: CallArguments, _ name: String, symmetric: Bool) throws -> (Float, Float) {
        if let number = args[name].asDouble { return symmetric ? (Float(-abs(number)), Float(abs(number))) : (Float(number), Float(number)) }
        guard let pair = args[name].asSequence?.compactMap(\.asDouble), pair.count == 2 else {
            throw args.typeError(name, expected: "a number or a pair (lower, upper)")
        }
        return (Float(pair[0]), Float(pair[1]))
    }

    private func seed(_ args: CallArguments) throws -> UInt64? {
        try args.optionalInt("seed").map { UInt64(bitPattern: Int64($0)) }
    }
}

/// `normalizer.adapt(data)` on a Normalization layer; nil for other layers and names.
func preprocessingMethod(_ name: String, of layer: Layer) -> Value? {
    guard name == "adapt", let normalization = layer as? Normalization else { return nil }
    return method("adapt", [ParameterSpec("data"), ParameterSpec("batch_size", default: .none), ParameterSpec("steps", default: .none)]) { args, _ in
        let data: Tensor
        if case .object(let dataset as DatasetObject) = args["data"] {
            data = try dataset.allImages()
        } else {
            data = try args["data"].toTensor(argument: "data", command: "adapt")
        }
        do { try normalization.adapt(data) } catch let error as ModelError { throw ScriptError(.value, error.description) }
        return .none
    }
}
