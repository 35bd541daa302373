/// The weights of a Keras model as stored in an HDF5 weight file of either layout, as plain arrays.
///
/// Reading detects the layout: a `layer_names` attribute at the root (or in a `model_weights` group)
/// means `.legacy`, a `layers` group means `.keras3`. Writing produces files Keras 3's
/// `model.load_weights` accepts: `.h5` names for the legacy layout, `.weights.h5` names for Keras 3.
public struct KerasWeightFile: Equatable {
    public var layout: KerasWeightLayout
    /// Legacy: every layer in `layer_names` order, including layers without weights (empty `weights`).
    /// Keras 3: every layer group below `layers/` that has a `vars` group (empty for layers without
    /// weights), in HDF5 name order, nested models depth-first after their own entry.
    public var layers: [LayerWeightGroup]

    public init(layout: KerasWeightLayout, layers: [LayerWeightGroup]) {
        self.layout = layout
        self.layers = layers
    }

    /// The first layer called `name` (a legacy layer name or a Keras 3 class-order path).
    public func layer(named name: String) -> LayerWeightGroup? {
        layers.first { $0.layerName == name }
    }

    /// Number of scalars over all layers (Keras's `count_params()` for a model holding these weights).
    public var parameterCount: Int { layers.reduce(0) { $0 + $1.parameterCount } }

    /// Reads a Keras weight file of either layout; in a child process when the executable enabled
    /// ``HDF5Isolation`` and the file is not vouched for.
    public static func read(path: String) throws -> KerasWeightFile {
        if let file = try HDF5Isolation.readWeightFileIfUnvouched(path) { return file }
        return try readDirectly(path: path)
    }

    /// Reads a Keras weight file in this process.
    static func readDirectly(path: String) throws -> KerasWeightFile {
        try HDF5Library.perform {
            let file = try HDF5File.openDirectly(path)
            let result = try read(file)
            try file.close()
            return result
        }
    }

    private static func read(_ file: HDF5File) throws -> KerasWeightFile {
        let root = try file.root()
        if let weightsRoot = try LegacyWeightFormat.weightsRoot(in: root) {
            return KerasWeightFile(layout: .legacy, layers: try LegacyWeightFormat.readLayers(from: weightsRoot))
        }
        if root.kind(of: "layers") == .group {
            return KerasWeightFile(layout: .keras3, layers: try Keras3WeightFormat.readLayers(from: root))
        }
        throw FileFormatError(path: file.path, message: "'\(file.path)' is an HDF5 file but holds no Keras weights: it has no 'layer_names' attribute (Keras 2 legacy .h5), no 'model_weights' group (full-model .h5) and no 'layers' group (Keras 3 .weights.h5). Check that this is a Keras weight file.")
    }

    /// Writes `layers` in the Keras 2 legacy layout (what `save_weights_to_hdf5_group` writes), atomically.
    /// Each layer's weight named without a `/` (`kernel`) is stored as `<layer>/<name>:0`; names
    /// containing `/` are kept as given (they are paths inside the layer group).
    public static func writeLegacy(path: String, layers: [LayerWeightGroup]) throws {
        try write(path: path) { try LegacyWeightFormat.write(layers, to: $0) }
    }

    /// Writes `layers` in the legacy layout into `group` of a file being written (a full-model file's
    /// `model_weights` group, as Keras's `model.save` lays it out).
    public static func writeLegacy(_ layers: [LayerWeightGroup], into group: HDF5Group) throws {
        try LegacyWeightFormat.write(layers, to: group)
    }

    /// Writes `layers` in the Keras 3 `.weights.h5` layout, atomically. Each `layerName` is the layer's
    /// class-order path (`conv2d_1`, or `functional/conv2d` inside a nested model); weights become
    /// `vars/0`, `vars/1`, ... in the order given.
    public static func writeKeras3(path: String, layers: [LayerWeightGroup]) throws {
        try write(path: path) { try Keras3WeightFormat.write(layers, to: $0) }
    }

    private static func write(path: String, populate: (HDF5Group) throws -> Void) throws {
        try HDF5Library.perform {
            try writeAtomically(to: path) { temporaryPath in
                do {
                    let file = try HDF5File.create(temporaryPath)
                    try populate(try file.root())
                    try file.close()
                } catch let error as FileFormatError {
                    // Report the destination, not the temporary name.
                    throw FileFormatError(path: path, message: error.message.replacingOccurrences(of: temporaryPath, with: path))
                }
            }
        }
    }

    static func checkShapes(_ layers: [LayerWeightGroup], path: String) throws {
        for layer in layers {
            for weight in layer.weights where weight.shape.contains(where: { $0 < 0 }) || weight.elementCount != weight.values.count {
                throw FileFormatError(path: path, message: "Cannot write '\(path)': weight '\(weight.name)' of layer '\(layer.layerName)' has shape \(weight.shape) (\(weight.shape.allSatisfy { $0 >= 0 } ? "\(weight.elementCount) values" : "negative size")) but \(weight.values.count) values.")
            }
        }
    }
}
