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
        // The guide's spellings of layers registered elsewhere without them (none replaces an existing name).
        for (alias, name) in [("keras.layers.GlobalAveragePooling2D", "global_average_pooling2d"),
                              ("tf.keras.layers.GlobalAveragePooling2D", "global_average_pooling2d"),
                              ("tf.keras.layers.Dense", "dense"), ("tf.keras.layers.Dropout", "dropout")]
        where interpreter.command(named: alias) == nil && interpreter.command(named: name) != nil {
            interpreter.register(alias: alias, for: name)
        }
    }
}
