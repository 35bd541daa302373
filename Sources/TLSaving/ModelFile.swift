import Foundation
import TLNN
import TLFormats

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

    /// `compiled` is the setup of a graph model trained through a Sequential holding it.
    public static func save(_ model: Layer, path: String, compiled: CompiledSetup? = nil) throws {
        guard path.hasSuffix(".h5") || path.hasSuffix(".hdf5") else {
            throw SavingError("save_model writes Keras's HDF5 model file: name it NAME.h5 (got '\(path)')")
        }
        let modelConfig = try ModelArchitecture.json(try LayerRegistry.describe(model))
        let trainingConfig = try (compiled ?? (model as? Sequential)?.compiled).map { try json(describe($0)) }
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
    /// A graph model is compiled through the Sequential `graphTrainer` gives for it (none: left uncompiled).
    public static func load(path: String, graphTrainer: (Functional) -> Sequential? = { _ in nil }) throws -> Layer {
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
        if let trainingText, let sequential = (model as? Sequential) ?? (model as? Functional).flatMap(graphTrainer) {
            guard let training = try? JSONSerialization.jsonObject(with: Data(trainingText.utf8)) as? [String: Any] else {
                throw SavingError("'\(path)': its 'training_config' attribute is not valid JSON; the file is damaged. Save the model again.")
            }
            try compile(sequential, training, source: path)
        }
        return model
    }

    // MARK: Compile settings

    static func describe(_ setup: CompiledSetup) -> [String: Any] {
        var optimizer: [String: Any] = ["learning_rate": Double(setup.optimizer.learningRate)]
        switch setup.optimizer {
        case let rms as RMSprop: optimizer["rho"] = Double(rms.rho); optimizer["epsilon"] = Double(rms.epsilon)
        case let sgd as SGD: optimizer["momentum"] = Double(sgd.momentum); optimizer["nesterov"] = sgd.nesterov
        case let adam as Adam:
            optimizer["beta_1"] = Double(adam.beta1); optimizer["beta_2"] = Double(adam.beta2); optimizer["epsilon"] = Double(adam.epsilon)
        default: break
        }
        return [
            "optimizer_config": ["class_name": setup.optimizer.typeName, "config": optimizer] as [String: Any],
            "loss": setup.loss.rawValue,
            "loss_options": ["from_logits": setup.lossOptions.fromLogits, "label_smoothing": Double(setup.lossOptions.labelSmoothing)] as [String: Any],
            "metrics": setup.metricDefinitions.map(\.savedForm),
        ]
    }

    static func compile(_ model: Sequential, _ training: [String: Any], source: String) throws {
        let optimizerDescription = training["optimizer_config"] as? [String: Any] ?? [:]
        let config = optimizerDescription["config"] as? [String: Any] ?? [:]
        func number(_ key: String, _ fallback: Double) -> Float { Float((config[key] as? NSNumber)?.doubleValue ?? fallback) }
        let optimizer: Optimizer
        switch optimizerDescription["class_name"] as? String ?? "RMSprop" {
        case "RMSprop": optimizer = RMSprop(learningRate: number("learning_rate", 0.001), rho: number("rho", 0.9), epsilon: number("epsilon", 1e-7))
        case "SGD": optimizer = SGD(learningRate: number("learning_rate", 0.01), momentum: number("momentum", 0), nesterov: config["nesterov"] as? Bool ?? false)
        case "Adam": optimizer = Adam(learningRate: number("learning_rate", 0.001), beta1: number("beta_1", 0.9), beta2: number("beta_2", 0.999), epsilon: number("epsilon", 1e-7))
        case let other:
            throw SavingError("'\(source)': the model was compiled with optimizer \(other), which tl does not have (it has RMSprop, SGD, Adam); compile it again after loading")
        }
        let lossName = training["loss"] as? String ?? ""
        guard let loss = Loss(kerasName: lossName) else {
            throw SavingError("'\(source)': the model was compiled with loss '\(lossName)', which tl does not have; compile it again after loading")
        }
        let metrics = try (training["metrics"] as? [Any] ?? []).map { saved in
            guard let metric = MetricDefinition(savedForm: saved) else {
                throw SavingError("'\(source)': the model was compiled with metric \(saved), which tl does not have; compile it again after loading")
            }
            return metric
        }
        let lossOptions = training["loss_options"] as? [String: Any] ?? [:]
        try model.compile(optimizer: optimizer, loss: loss, metricDefinitions: metrics,
                          lossOptions: LossOptions(fromLogits: lossOptions["from_logits"] as? Bool ?? false,
                                                   labelSmoothing: Float((lossOptions["label_smoothing"] as? NSNumber)?.doubleValue ?? 0)))
    }

    private static func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
