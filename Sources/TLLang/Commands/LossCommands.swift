import TLNN
import TLScript

/// A loss as an object (`keras.losses.BinaryCrossentropy(from_logits=True)`), for `compile(loss=...)`.
public final class LossObject: HostObject {
    let loss: Loss
    let options: LossOptions
    let kerasName: String

    init(_ loss: Loss, options: LossOptions, kerasName: String) {
        self.loss = loss
        self.options = options
        self.kerasName = kerasName
    }

    public var typeName: String { kerasName }
    public var summaryDescription: String {
        "\(kerasName)(from_logits=\(options.fromLogits ? "True" : "False"), label_smoothing=\(options.labelSmoothing))"
    }
    public var attributeNames: [String] { ["name", "from_logits", "label_smoothing"] }
    public func attribute(_ name: String) throws -> Value? {
        switch name {
        case "name": return .string(loss.rawValue)
        case "from_logits": return .bool(options.fromLogits)
        // The engine keeps float32; Keras shows the Python float given (0.1), the shortest float32 text.
        case "label_smoothing": return .float(Double(options.labelSmoothing.description) ?? Double(options.labelSmoothing))
        default: return nil
        }
    }
}

extension Session {
    /// `losses.BinaryCrossentropy`, `CategoricalCrossentropy`, `SparseCategoricalCrossentropy`, `MeanSquaredError`.
    func registerLossCommands() {
        let kinds: [(String, String, Loss, Bool)] = [
            ("binary_crossentropy_loss", "BinaryCrossentropy", .binaryCrossentropy, true),
            ("categorical_crossentropy_loss", "CategoricalCrossentropy", .categoricalCrossentropy, true),
            ("sparse_categorical_crossentropy_loss", "SparseCategoricalCrossentropy", .sparseCategoricalCrossentropy, false),
            ("mean_squared_error_loss", "MeanSquaredError", .meanSquaredError, false),
        ]
        for (name, kerasName, loss, smooths) in kinds {
            var parameters = [ParameterSpec("from_logits", default: false, kind: .bool), ParameterSpec("name", default: .none),
                              ParameterSpec("reduction", default: "sum_over_batch_size", kind: .string)]
            if smooths { parameters.insert(ParameterSpec("label_smoothing", default: 0.0, kind: .number), at: 1) }
            if loss == .meanSquaredError { parameters.removeFirst() }
            command(name, parameters: parameters,
                    aliases: ["losses.\(kerasName)", "keras.losses.\(kerasName)", "tf.keras.losses.\(kerasName)"]) { _, args, _ in
                let reduction = try args.string("reduction").lowercased()
                guard ["sum_over_batch_size", "auto"].contains(reduction) else {
                    throw ScriptError(.value, "\(kerasName)(): tl reduces losses by the batch mean (reduction=\"sum_over_batch_size\"), got \"\(reduction)\"")
                }
                var options = LossOptions()
                if loss != .meanSquaredError { options.fromLogits = try args.bool("from_logits") }
                if smooths {
                    let smoothing = try args.double("label_smoothing")
                    guard smoothing >= 0 && smoothing <= 1 else {
                        throw ScriptError(.value, "label_smoothing must be in [0, 1], got \(smoothing)")
                    }
                    options.labelSmoothing = Float(smoothing)
                }
                return .object(LossObject(loss, options: options, kerasName: kerasName))
            }
        }
    }
}
