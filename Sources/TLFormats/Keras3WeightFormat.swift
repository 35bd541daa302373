/// Reading and writing Keras 3's `.weights.h5` layout (see `KerasWeightLayout.keras3`).
///
/// Only layers reached through `layers` containers are listed; variables Keras keeps elsewhere
/// (an optimizer's `optimizer/vars`, sub-layers stored in other attributes of a custom layer) are not.
enum Keras3WeightFormat {
    static func readLayers(from root: HDF5Group) throws -> [LayerWeightGroup] {
        try readLayers(inContainer: try root.group("layers"), prefix: "")
    }

    private static func readLayers(inContainer container: HDF5Group, prefix: String) throws -> [LayerWeightGroup] {
        var result: [LayerWeightGroup] = []
        for name in try container.childNames() where container.kind(of: name) == .group {
            let layer = try container.group(name)
            let layerPath = prefix + name
            if layer.kind(of: "vars") == .group {
                result.append(LayerWeightGroup(layerName: layerPath, weights: try readVariables(try layer.group("vars"), layerPath: layerPath)))
            }
            if layer.kind(of: "layers") == .group {
                result += try readLayers(inContainer: try layer.group("layers"), prefix: layerPath + "/")
            }
        }
        return result
    }

    /// The datasets `0`, `1`, ... of a `vars` group in index order (HDF5 lists `10` before `2`).
    private static func readVariables(_ vars: HDF5Group, layerPath: String) throws -> [WeightArray] {
        let names = try vars.childNames()
        let indices = names.compactMap { Int($0) }.sorted()
        guard indices.count == names.count, indices == Array(0..<names.count) else {
            throw FileFormatError(path: vars.filePath, message: "'\(vars.filePath)': group '\(vars.objectPath)' of layer '\(layerPath)' should hold datasets named 0..\(names.count - 1) but holds \(names.sorted()). The file is not a valid Keras 3 .weights.h5 file.")
        }
        return try indices.map { index in
            let dataset = try vars.dataset(String(index))
            return WeightArray(name: String(index), shape: try dataset.shape(), values: try dataset.readFloats())
        }
    }

    static func write(_ layers: [LayerWeightGroup], to root: HDF5Group) throws {
        let path = root.filePath
        try KerasWeightFile.checkShapes(layers, path: path)
        var written = Set<String>()
        for layer in layers {
            let components = layer.layerName.split(separator: "/", omittingEmptySubsequences: false)
            guard !components.isEmpty, components.allSatisfy({ !$0.isEmpty && $0 != "layers" && $0 != "vars" }) else {
                throw FileFormatError(path: path, message: "Cannot write '\(path)': '\(layer.layerName)' is not a usable Keras 3 layer path (class-order names such as 'conv2d_1', nested models joined with '/').")
            }
            guard written.insert(layer.layerName).inserted else {
                throw FileFormatError(path: path, message: "Cannot write '\(path)': layer '\(layer.layerName)' appears twice.")
            }
        }
        // The model's own variables live in the root `vars` group; a plain model has none.
        try root.createGroup("vars")
        try root.createGroup("layers")
        for layer in layers {
            let components = layer.layerName.split(separator: "/").map(String.init)
            // Enclosing models get their (empty) `vars` group too, as Keras writes them.
            for depth in 1...components.count {
                let groupPath = "layers/" + components[0..<depth].joined(separator: "/layers/")
                if root.kind(of: groupPath + "/vars") == nil { try root.createGroup(groupPath + "/vars") }
            }
            let vars = try root.group("layers/" + components.joined(separator: "/layers/") + "/vars")
            for (index, weight) in layer.weights.enumerated() {
                try vars.createDataset(String(index), shape: weight.shape, values: weight.values)
            }
        }
    }
}
