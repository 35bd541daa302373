import TLNN
import TLScript

extension Session {
    /// The functional API: `keras.Input` and `keras.Model(inputs, outputs)`.
    func registerFunctionalCommands() {
        command("keras_input", parameters: [
            ParameterSpec("shape", default: .none), ParameterSpec("batch_size", default: .none), ParameterSpec("name", default: .none),
            ParameterSpec("dtype", default: .none),
        ], aliases: ["Input", "keras.Input", "layers.Input", "keras.layers.Input", "tf.keras.Input"]) { _, args, _ in
            guard let shape = try args.shape("shape") else {
                throw ScriptError(.value, "keras.Input() needs shape=, the shape of one sample without the batch axis, e.g. shape=(150, 150, 3)")
            }
            if let dtype = try args.optionalString("dtype"), dtype != "float32" {
                throw ScriptError(.value, "keras.Input(): tl's tensors are float32, got dtype=\"\(dtype)\"")
            }
            let name = try args.optionalString("name") ?? LayerNames.next("input")
            return .object(SymbolicTensorObject(.input(name: name), shape: shape))
        }
        command("functional_model", parameters: [
            ParameterSpec("inputs"), ParameterSpec("outputs"), ParameterSpec("name", default: .none),
        ], aliases: ["Model", "keras.Model", "models.Model", "keras.models.Model", "tf.keras.Model"]) { _, args, _ in
            let model = try functionalModel(inputs: args["inputs"], outputs: args["outputs"], name: try args.optionalString("name"))
            return .object(ModelObject(model))
        }
        registerMergeLayers()
        // The guide's spellings of layers registered elsewhere without them (none replaces an existing name).
        for (alias, name) in [("keras.layers.GlobalAveragePooling2D", "global_average_pooling2d"),
                              ("tf.keras.layers.GlobalAveragePooling2D", "global_average_pooling2d"),
                              ("tf.keras.layers.Dense", "dense"), ("tf.keras.layers.Dropout", "dropout")]
        where interpreter.command(named: alias) == nil && interpreter.command(named: name) != nil {
            interpreter.register(alias: alias, for: name)
        }
    }

    /// Keras's merge layers, `layers.Add()` and `layers.Concatenate()` (last axis), called on a list of
    /// tensors, and their functional forms `layers.add([a, b])`, `layers.concatenate([a, b])`.
    private func registerMergeLayers() {
        let merges: [(command: String, names: [String], make: (String?) -> MergeLayer)] = [
            ("merge_add", ["Add", "layers.Add", "keras.layers.Add", "tf.keras.layers.Add"], { Add(name: $0) }),
            ("merge_concatenate", ["Concatenate", "layers.Concatenate", "keras.layers.Concatenate", "tf.keras.layers.Concatenate"],
             { Concatenate(name: $0) }),
        ]
        for merge in merges {
            command(merge.command, parameters: [ParameterSpec("axis", default: -1, kind: .int), ParameterSpec("name", default: .none)],
                    aliases: merge.names.filter { interpreter.command(named: $0) == nil }) { _, args, _ in
                try Self.requireLastAxis(args, merge.names[0])
                return .object(PendingLayer(merge.make(try args.optionalString("name"))))
            }
            let function = merge.names[0].lowercased()   // "add", "concatenate"
            command("\(function)_tensors", parameters: [ParameterSpec("inputs"), ParameterSpec("axis", default: -1, kind: .int),
                                                          ParameterSpec("name", default: .none)],
                    aliases: ["layers.\(function)", "keras.layers.\(function)", "tf.keras.layers.\(function)"]) { _, args, _ in
                try Self.requireLastAxis(args, merge.names[0])
                return try callLayer(merge.make(try args.optionalString("name")), on: args["inputs"], training: nil)
            }
        }
    }

    private static func requireLastAxis(_ args: CallArguments, _ layer: String) throws {
        let axis = try args.int("axis")
        guard axis == -1 || layer == "Add" else {
            throw ScriptError(.value, "\(layer)(axis=\(axis)): tl joins tensors along the last axis only (axis=-1)")
        }
    }
}
