import Foundation
import TLTensor
import TLNN
import TLFormats

/// Moves weights between models and Keras weight files (both layouts), with Keras's matching rules.
public enum KerasWeights {
    /// Keras 3's group name for a layer class: `Conv2D` -> `conv2d`, `MaxPooling2D` -> `max_pooling2d`.
    public static func snakeCaseClassName(_ typeName: String) -> String {
        if typeName == "Model" { return "functional" }
        var out = ""
        let chars = Array(typeName)
        for (i, ch) in chars.enumerated() {
            if ch.isUppercase && i > 0 {
                let previous = chars[i - 1]
                let nextIsLower = i + 1 < chars.count && chars[i + 1].isLowercase
                if previous.isLowercase || (previous.isUppercase && nextIsLower) { out += "_" }
            }
            out += ch.lowercased()
        }
        // Keras keeps "2d" glued to the word before it: conv2d, max_pooling2d.
        return out.replacingOccurrences(of: "_2_d", with: "2d").replacingOccurrences(of: "2_d", with: "2d")
    }

    /// The layers that own weights, with their Keras 3 class-order paths (`conv2d`, `conv2d_1`,
    /// `functional/conv2d`), in model order. A leaf layer is taken as a model of one layer.
    static func keras3Paths(of model: Layer) -> [(path: String, layer: Layer)] {
        keras3Paths(of: model.sublayers.isEmpty ? [model] : model.sublayers, prefix: "")
    }

    private static func keras3Paths(of layers: [Layer], prefix: String) -> [(path: String, layer: Layer)] {
        var counts: [String: Int] = [:]
        var out: [(String, Layer)] = []
        for layer in layers {
            let base = snakeCaseClassName(layer.typeName)
            let n = counts[base, default: 0]
            counts[base] = n + 1
            let path = prefix + (n == 0 ? base : "\(base)_\(n)")
            if layer.sublayers.isEmpty {
                if !layer.weights.isEmpty { out.append((path, layer)) }
            } else {
                out += keras3Paths(of: layer.sublayers, prefix: path + "/")
            }
        }
        return out
    }

    /// Loads a Keras weight file into `model`.
    ///
    /// Legacy files match by order over the model's top-level layers that have weights (file layers
    /// without weights are skipped) or, with `byName`, by layer name. Keras 3 files match by class-order
    /// path. Every shape is checked before anything is assigned: a mismatch loads nothing.
    ///
    /// `renaming` maps a legacy file's layer names to the model's before matching by name (Keras 2.0-era
    /// ResNet50 files: `res2a_branch2a` -> `conv2_block1_1_conv`).
    public static func load(into model: Layer, path: String, byName: Bool = false, renaming: [String: String] = [:]) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SavingError("weights file '\(path)' does not exist")
        }
        let file = try KerasWeightFile.read(path: path)
        var assignments: [(Parameter, WeightArray, String)] = []
        switch file.layout {
        case .legacy:
            let fileLayers = file.layers.filter { !$0.weights.isEmpty }
            let modelLayers = model.sublayers.isEmpty ? [model] : model.sublayers.filter { !$0.weights.isEmpty }
            if byName {
                for group in fileLayers {
                    let wanted = renaming[group.layerName] ?? group.layerName
                    guard let layer = modelLayers.first(where: { $0.name == wanted }) else { continue }
                    try pair(layer, group, path: path, into: &assignments)
                }
            } else {
                guard fileLayers.count == modelLayers.count else {
                    let firstMismatch = zip(modelLayers, fileLayers).first { $0.name != $1.layerName }.map { "'\($0.0.name)' (file: '\($0.1.layerName)')" }
                        ?? (modelLayers.count > fileLayers.count ? "'\(modelLayers[fileLayers.count].name)' (not in the file)" : "none: the file has extra layers from '\(fileLayers[modelLayers.count].layerName)' on")
                    throw SavingError("""
                        cannot load '\(path)' into model '\(model.name)': the file holds \(fileLayers.count) layers with weights, \
                        the model has \(modelLayers.count). First model layer that does not match: \(firstMismatch). \
                        Is this the weights file of another architecture? (by_name=true matches layers by name instead.)
                        """)
                }
                for (layer, group) in zip(modelLayers, fileLayers) { try pair(layer, group, path: path, into: &assignments) }
            }
        case .keras3:
            let paths = keras3Paths(of: model)
            let groups = file.layers.filter { !$0.weights.isEmpty }
            for (layerPath, layer) in paths {
                guard let group = groups.first(where: { $0.layerName == layerPath }) else {
                    throw SavingError("cannot load '\(path)' into model '\(model.name)': layer '\(layer.name)' (\(layer.typeName)) expects weights at 'layers/\(layerPath)', which the file does not have. The file has: \(groups.map(\.layerName).joined(separator: ", ")).")
                }
                try pair(layer, group, path: path, into: &assignments)
            }
            if groups.count > paths.count {
                let extra = groups.map(\.layerName).filter { name in !paths.contains { $0.path == name } }
                throw SavingError("cannot load '\(path)' into model '\(model.name)': the file has weights for layers the model lacks: \(extra.joined(separator: ", "))")
            }
        }
        for (parameter, weight, _) in assignments {
            parameter.value = Tensor(shape: weight.shape, scalars: weight.values)
        }
    }

    private static func pair(_ layer: Layer, _ group: LayerWeightGroup, path: String,
                             into assignments: inout [(Parameter, WeightArray, String)]) throws {
        let parameters = layer.weights
        guard layer.isBuilt else {
            throw SavingError("layer '\(layer.name)' has no weights yet (its input shape is unknown): build the model (give input_shape=) before loading '\(path)'")
        }
        guard parameters.count == group.weights.count else {
            throw SavingError("cannot load '\(path)': layer '\(layer.name)' (\(layer.typeName)) has \(parameters.count) weights, the file's layer '\(group.layerName)' has \(group.weights.count)")
        }
        for (i, (parameter, weight)) in zip(parameters, group.weights).enumerated() where parameter.shape != weight.shape {
            throw SavingError("cannot load '\(path)': layer '\(layer.name)' weight \(i) (\(parameter.name)) has shape \(shapeText(parameter.shape)) in the model but \(shapeText(weight.shape)) in the file (layer '\(group.layerName)', '\(weight.name)')")
        }
        for (parameter, weight) in zip(parameters, group.weights) {
            if let bad = weight.values.firstIndex(where: { !$0.isFinite }) {
                throw SavingError("cannot load '\(path)': weight '\(weight.name)' of layer '\(group.layerName)' holds a non-finite value (\(weight.values[bad]) at index \(bad))")
            }
            assignments.append((parameter, weight, group.layerName))
        }
    }

    static func shapeText(_ shape: [Int]) -> String {
        "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
    }

    /// The model's weights grouped as a weight file stores them.
    ///
    /// Legacy: one group per top-level layer (nested models hold all their weights, named
    /// `inner_layer/kernel:0`). Keras 3: one group per weighted leaf, by class-order path.
    public static func groups(of model: Layer, layout: KerasWeightLayout) -> [LayerWeightGroup] {
        func array(_ p: Parameter, name: String) -> WeightArray {
            WeightArray(name: name, shape: p.shape, values: p.value.scalars)
        }
        switch layout {
        case .legacy:
            let top = model.sublayers.isEmpty ? [model] : model.sublayers
            return top.map { layer in
                if layer.sublayers.isEmpty {
                    return LayerWeightGroup(layerName: layer.name, weights: layer.weights.map { array($0, name: $0.name) })
                }
                let inner = layer.allLayers.dropFirst().filter { $0.sublayers.isEmpty }
                return LayerWeightGroup(layerName: layer.name, weights: inner.flatMap { leaf in
                    leaf.weights.map { array($0, name: "\(leaf.name)/\($0.name):0") }
                })
            }
        case .keras3:
            return keras3Paths(of: model).map { path, layer in
                LayerWeightGroup(layerName: path, weights: layer.weights.map { array($0, name: $0.name) })
            }
        }
    }

    /// Saves the model's weights; the layout follows the file name as in Keras 3
    /// (`.weights.h5` -> Keras 3, any other `.h5` -> legacy).
    public static func save(_ model: Layer, path: String) throws {
        if path.hasSuffix(".weights.h5") {
            try KerasWeightFile.writeKeras3(path: path, layers: groups(of: model, layout: .keras3))
        } else if path.hasSuffix(".h5") || path.hasSuffix(".hdf5") {
            try KerasWeightFile.writeLegacy(path: path, layers: groups(of: model, layout: .legacy))
        } else {
            throw SavingError("cannot tell the weights format from '\(path)': name it NAME.weights.h5 (Keras 3) or NAME.h5 (Keras 2 legacy)")
        }
    }
}
