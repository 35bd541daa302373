import Foundation

/// Reading and writing the Keras 2 legacy weight layout (see `KerasWeightLayout.legacy`).
enum LegacyWeightFormat {
    /// The Keras version recorded in written files: the release whose `save_weights_to_hdf5_group`
    /// output they reproduce (Keras applies Keras 1 conversions when this is "1", so it must not be).
    static let kerasVersion = "3.15.1"
    static let backend = "tensorflow"
    /// Keras splits list attributes larger than this many bytes into numbered chunks.
    static let attributeByteLimit = 64512

    /// The group holding `layer_names`: the root, or `model_weights` in a full-model save; nil if neither.
    static func weightsRoot(in root: HDF5Group) throws -> HDF5Group? {
        if try listAttribute("layer_names", of: root) != nil { return root }
        if root.kind(of: "model_weights") == .group {
            let modelWeights = try root.group("model_weights")
            if try listAttribute("layer_names", of: modelWeights) != nil { return modelWeights }
        }
        return nil
    }

    static func readLayers(from weightsRoot: HDF5Group) throws -> [LayerWeightGroup] {
        let layerNames = try listAttribute("layer_names", of: weightsRoot) ?? []
        return try layerNames.map { layerName in
            let group = try weightsRoot.group(layerName)
            guard let weightNames = try listAttribute("weight_names", of: group) else {
                throw FileFormatError(path: group.filePath, message: "'\(group.filePath)': layer group '\(group.objectPath)' has no attribute 'weight_names', so its weights cannot be matched to the layer. The file is not a complete Keras weight file.")
            }
            let weights = try weightNames.map { weightName -> WeightArray in
                let dataset = try group.dataset(weightName)
                return WeightArray(name: weightName, shape: try dataset.shape(), values: try dataset.readFloats())
            }
            return LayerWeightGroup(layerName: layerName, weights: weights)
        }
    }

    /// Keras's list attribute `name`, joined from `name0`, `name1`, ... when Keras had to split it;
    /// nil when neither form is present.
    static func listAttribute(_ name: String, of group: HDF5Group) throws -> [String]? {
        if group.hasAttribute(name) { return try group.stringsAttribute(name) }
        var chunks: [String] = []
        var index = 0
        while group.hasAttribute("\(name)\(index)") {
            chunks += try group.stringsAttribute("\(name)\(index)")
            index += 1
        }
        return index == 0 ? nil : chunks
    }

    static func write(_ layers: [LayerWeightGroup], to root: HDF5Group) throws {
        let path = root.filePath
        try KerasWeightFile.checkShapes(layers, path: path)
        var seen = Set<String>()
        for layer in layers {
            guard !layer.layerName.isEmpty, !layer.layerName.contains("/"), layer.layerName != "top_level_model_weights" else {
                throw FileFormatError(path: path, message: "Cannot write '\(path)': '\(layer.layerName)' is not a usable Keras layer name (it must be non-empty, without '/', and not 'top_level_model_weights').")
            }
            guard seen.insert(layer.layerName).inserted else {
                throw FileFormatError(path: path, message: "Cannot write '\(path)': layer name '\(layer.layerName)' appears twice; Keras layer names are unique within a model.")
            }
        }
        try writeListAttribute("layer_names", layers.map(\.layerName), to: root)
        try root.setStringsAttribute("backend", [backend], scalar: true)
        try root.setStringsAttribute("keras_version", [kerasVersion], scalar: true)
        // Keras creates the layer groups in name order (so no group name is created after one it prefixes).
        for layer in layers.sorted(by: { $0.layerName < $1.layerName }) {
            let group = try root.createGroup(layer.layerName)
            let names = layer.weights.map { datasetName(for: $0.name, in: layer.layerName) }
            guard Set(names).count == names.count else {
                throw FileFormatError(path: path, message: "Cannot write '\(path)': layer '\(layer.layerName)' has two weights named alike (\(names)); give each weight its own name.")
            }
            try writeListAttribute("weight_names", names, to: group)
            for (name, weight) in zip(names, layer.weights) {
                try group.createDataset(name, shape: weight.shape, values: weight.values)
            }
        }
        // Keras 3 records the model's own (non-layer) variables here; a plain model has none.
        let topLevel = try root.createGroup("top_level_model_weights")
        try writeListAttribute("weight_names", [], to: topLevel)
    }

    /// `kernel` becomes `<layer>/kernel:0` (the Keras 2 name); paths such as `block1_conv1/kernel` stay.
    static func datasetName(for weightName: String, in layerName: String) -> String {
        if weightName.contains("/") { return weightName }
        let hasIndexSuffix = weightName.range(of: #":\d+$"#, options: .regularExpression) != nil
        return "\(layerName)/\(weightName)\(hasIndexSuffix ? "" : ":0")"
    }

    /// Writes a list attribute as Keras does: variable-length ASCII strings, an empty float64 array for
    /// an empty list, and numbered chunks (`name0`, `name1`, ...) when the list would exceed the byte limit.
    static func writeListAttribute(_ name: String, _ values: [String], to group: HDF5Group) throws {
        guard !values.isEmpty else { return try group.setEmptyArrayAttribute(name) }
        let width = values.map { $0.utf8.count }.max() ?? 0
        guard width <= attributeByteLimit else {
            throw FileFormatError(path: group.filePath, message: "Cannot write '\(group.filePath)': a name in attribute '\(name)' is \(width) bytes long; Keras accepts at most \(attributeByteLimit).")
        }
        var chunkCount = 1
        // Same rule as Keras: grow the number of near-equal chunks until each fits as a fixed-width array.
        while ((values.count + chunkCount - 1) / chunkCount) * width > attributeByteLimit { chunkCount += 1 }
        if chunkCount == 1 { return try group.setStringsAttribute(name, values) }
        var start = 0
        for index in 0..<chunkCount {
            let size = values.count / chunkCount + (index < values.count % chunkCount ? 1 : 0)
            try group.setStringsAttribute("\(name)\(index)", Array(values[start..<start + size]))
            start += size
        }
    }
}
