import Foundation
import TLNN
import TLFormats
import TLJSON

/// A whole model in one HDF5 file, laid out as Keras 2's `model.save("x.h5")`: the architecture as JSON
/// in the root attribute `model_config` (see ``ModelArchitecture``), the compile settings in
/// `training_config`, and every weight in the group `model_weights` in the legacy layout, which
/// `load_weights` (tl's and Keras's) reads as well.
///
/// The file is written under a temporary name, flushed and renamed: an interrupted save leaves the
/// previous file intact. The optimizer's moments are not saved (Keras's `include_optimizer=False`);
/// training checkpoints (``CheckpointDirectory``) keep them.
public enum ModelFile {
    /// The Keras version written beside the weights, matching tl's weight files.
    static let kerasVersion = "3.15.1"

    /// Saves `model`; a compiled ``Model`` keeps its compile settings.
    public static func save(_ model: Layer, path: String) throws {
        guard path.hasSuffix(".h5") || path.hasSuffix(".hdf5") else {
            throw SavingError("save_model writes Keras's HDF5 model file: name it NAME.h5 (got '\(path)')")
        }
        let modelConfig = try ModelArchitecture.json(try LayerRegistry.describe(model))
        let trainingConfig = try (model as? Model)?.compiled.map { try ModelArchitecture.json(describe($0)) }
        let groups = KerasWeights.groups(of: model, layout: .legacy)
        try writeAtomically(to: path) { temporaryPath in
            do {
                let file = try HDF5File.create(temporaryPath)
                let root = try file.root()
                try root.setStringsAttribute("model_config", [modelConfig], storage: .variableLengthUTF8, scalar: true)
                if let trainingConfig {
                    try root.setStringsAttribute("training_config", [trainingConfig], storage: .variableLengthUTF8, scalar: true)
                }
                try root.setStringsAttribute("backend", ["tensorflow"], scalar: true)
                try root.setStringsAttribute("keras_version", [kerasVersion], scalar: true)
                try KerasWeightFile.writeLegacy(groups, into: try root.createGroup("model_weights"))
                try file.close()
            } catch let error as FileFormatError {
                throw FileFormatError(path: path, message: error.message.replacingOccurrences(of: temporaryPath, with: path))
            }
        }
    }

    /// Reads a model file: builds the architecture, loads the weights, and compiles it as it was when saved.
    public static func load(path: String) throws -> Layer {
        guard FileManager.default.fileExists(atPath: path) else {
            throw SavingError("model file '\(path)' does not exist")
        }
        let file = try HDF5File.open(path)
        let root = try file.root()
        guard root.hasAttribute("model_config") else {
            throw SavingError("'\(path)' holds weights but no model architecture (no 'model_config' attribute): build the model in the script and call load_weights(model, \"\(path)\") instead")
        }
        let configText = try root.stringAttribute("model_config")
        let trainingText = root.hasAttribute("training_config") ? try root.stringAttribute("training_config") : nil
        try file.close()
        guard let description = ModelArchitecture.parse(json: configText) else {
            throw SavingError("'\(path)': its 'model_config' attribute is not valid JSON; the file is damaged. Save the model again.")
        }
        let model = try ModelArchitecture.build(description, source: path)
        try KerasWeights.load(into: model, path: path)
        if let trainingText, let trainable = model as? Model {
            guard let training = ModelArchitecture.parse(json: trainingText) else {
                throw SavingError("'\(path)': its 'training_config' attribute is not valid JSON; the file is damaged. Save the model again.")
            }
            try compile(trainable, training, source: path)
        }
        return model
    }

    // MARK: Compile settings

    static func describe(_ setup: CompiledSetup) -> JSON {
        [
            "optimizer_config": ["class_name": .string(setup.optimizer.typeName), "config": .object(setup.optimizer.kerasConfig)],
            "loss": .string(setup.loss.rawValue),
            "loss_options": ["from_logits": .bool(setup.lossOptions.fromLogits), "label_smoothing": .number(setup.lossOptions.labelSmoothing)],
            "metrics": .array(setup.metricDefinitions.map(\.savedForm)),
        ]
    }

    static func compile(_ model: Model, _ training: JSON, source: String) throws {
        // Losses given per output (a list or dict, as Keras writes them for several outputs) are not
        // restored: such a model loads uncompiled, and fit asks for compile() first, as it says.
        if let loss = training["loss"], loss.stringValue == nil { return }
        // tf-keras 2.11+ registers its optimizers under the package "Custom" ("Custom>SGD").
        var className = training["optimizer_config"]?["class_name"]?.stringValue ?? "RMSprop"
        if className.hasPrefix("Custom>") { className.removeFirst("Custom>".count) }
        let config = training["optimizer_config"]?["config"]?.objectValue ?? [:]
        guard let optimizer = OptimizerBase.make(className: className, config: config) else {
            throw SavingError("'\(source)': the model was compiled with optimizer \(className), which tl does not have (it has \(OptimizerBase.classNames.joined(separator: ", "))); compile it again after loading")
        }
        let lossName = training["loss"]?.stringValue ?? ""
        guard let loss = Loss(kerasName: lossName) else {
            throw SavingError("'\(source)': the model was compiled with loss '\(lossName)', which tl does not have; compile it again after loading")
        }
        let metrics = try (training["metrics"]?.arrayValue ?? []).map { saved in
            guard let metric = MetricDefinition(savedForm: saved) else {
                throw SavingError("'\(source)': the model was compiled with metric \(saved), which tl does not have; compile it again after loading")
            }
            return metric
        }
        let lossOptions = training["loss_options"]
        try model.compile(optimizer: optimizer, loss: loss, metricDefinitions: metrics,
                          lossOptions: LossOptions(fromLogits: lossOptions?["from_logits"]?.boolValue ?? false,
                                                   labelSmoothing: Float(lossOptions?["label_smoothing"]?.doubleValue ?? 0)))
    }
}
