import Foundation
import TLNN
import TLJSON

/// A model's architecture as JSON, in the shape Keras gives `model_config`:
/// `{"class_name": "Sequential", "config": {"name": ..., "layers": [{"class_name": "Dense", "config": {...}}]}}`.
/// Each layer describes itself (``KerasConfigurable``, found by class name in ``LayerRegistry``) with
/// Keras's key names, so a plain Keras 2 `Sequential` saved by `model.save("x.h5")` can be read too. Every
/// layer records its `trainable` flag, so a fine-tuning setup comes back as it was saved.
public enum ModelArchitecture {
    /// Builds the model a description records, with fresh weights and the recorded `trainable` flags.
    /// - Parameter source: the file the description came from, for messages.
    public static func build(_ description: JSON, source: String) throws -> Layer {
        let layer = try LayerRegistry.make(description, source: source)
        applyTrainable(description, to: layer)
        return layer
    }

    /// Sets each layer's recorded flag, containers before their layers (setting a container's flag
    /// sets its layers' flags, which the layers' own records then refine).
    private static func applyTrainable(_ description: JSON, to layer: Layer) {
        let config = description["config"]
        if let flag = config?["trainable"]?.boolValue { layer.trainable = flag }
        let children: [JSON]
        if let layers = config?["layers"]?.arrayValue { children = layers }
        else if let nodes = config?["nodes"]?.arrayValue { children = nodes.compactMap { $0["layer"] } }
        else { return }
        guard layer is Functional else {
            for (child, sublayer) in zip(children, layer.sublayers) { applyTrainable(child, to: sublayer) }
            return
        }
        // A graph's layers are matched by name: Keras lists its input layers and orders its layers its
        // own way; tl's form describes inputs and a shared layer's later uses without a layer record.
        for child in children {
            guard let name = child["config"]?["name"]?.stringValue,
                  let sublayer = layer.sublayers.first(where: { $0.name == name && !($0 is InputLayer) }) else { continue }
            applyTrainable(child, to: sublayer)
        }
    }

    // MARK: JSON

    /// The description as `model_config` stores it: keys sorted, numbers and escapes as Foundation's
    /// JSONSerialization wrote them before (the same bytes: tests hold them).
    public static func json(_ description: JSON) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(description), as: UTF8.self)
    }

    /// Reads `model_config`; nil when the text is not a JSON object.
    public static func parse(json text: String) -> JSON? {
        guard let value = try? JSONDecoder().decode(JSON.self, from: Data(text.utf8)), value.objectValue != nil else { return nil }
        return value
    }
}
