import Foundation
import TLTensor
import TLNN
import TLFormats
import TLSaving

extension KerasApplication {
    /// `ResNet50(weights=..., ...)` and the others: builds the base and loads its weights as Keras does.
    ///
    /// - `.imagenet`: Keras's own file from `$TL_WEIGHTS_DIR` or `~/.keras/models` (or downloaded from
    ///   Keras's address), its MD5 checked where Keras publishes one; a MobileNet file, which has none, is
    ///   checked layer by layer (names in order, then shapes) before anything is assigned.
    /// - `.file(path)`: either Keras layout, by order (legacy) or class path (Keras 3); a Keras 2.0-era
    ///   ResNet50 file (`res2a_branch2a`, ...) by name through ``ResNet50/legacyLayerNames``.
    public func load(weights: VGG16.Weights, options: ApplicationOptions, alpha: Double = 1.0, depthMultiplier: Int = 1,
                     resolver: WeightsResolver = WeightsResolver()) throws -> Layer {
        var options = options
        if case .imagenet = weights {
            options.imagenetWeights = true
            if options.includeTop && ![.softmax, .linear].contains(options.classifierActivation) {
                throw ZooError("Only `None` and `softmax` activations are allowed for the `classifier_activation` argument when using pretrained weights, with `include_top=True`; Received: classifier_activation=\(options.classifierActivation.rawValue)")
            }
        }
        let model = try make(options, alpha: alpha, depthMultiplier: depthMultiplier)
        switch weights {
        case .none:
            break
        case .file(let path):
            try loadFile(path, into: model)
        case .imagenet:
            let shape = (model as? Functional)?.inputShape ?? (model as? Sequential)?.inputShape
            let published = publishedWeights(includeTop: options.includeTop, alpha: alpha, rows: weightsRows(for: shape))
            let path = try resolver.resolve(published)
            if published.md5 == nil { try Self.requireSameLayers(model, path: path, published: published) }
            try KerasWeights.load(into: model, path: path)
        }
        return model
    }

    func loadFile(_ path: String, into model: Layer) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw ZooError("weights file '\(path)' does not exist") }
        if self == .resnet50 {
            let file = try KerasWeightFile.read(path: path)
            if file.layout == .legacy && file.layers.contains(where: { $0.layerName == "res2a_branch2a" }) {
                let renaming = ResNet50.legacyLayerNames
                let missing = model.allLayers.filter { !$0.weights.isEmpty && $0.sublayers.isEmpty }
                    .map(\.name).filter { name in !file.layers.contains { renaming[$0.layerName] == name } }
                guard missing.isEmpty else {
                    throw ZooError("'\(path)' is a Keras 2.0-era ResNet50 file, but it has no weights for \(missing.prefix(5).joined(separator: ", ")) (include_top must match the file)")
                }
                try KerasWeights.load(into: model, path: path, byName: true, renaming: renaming)
                return
            }
        }
        try KerasWeights.load(into: model, path: path)
    }

    /// For files Keras publishes no hash for: the file's weighted layers, in order, carry the model's names.
    static func requireSameLayers(_ model: Layer, path: String, published: PublishedWeights) throws {
        let file = try KerasWeightFile.read(path: path)
        let fileNames = file.layers.filter { !$0.weights.isEmpty }.map(\.layerName)
        let modelNames = model.sublayers.filter { !$0.weights.isEmpty }.map(\.name)
        guard fileNames != modelNames else { return }
        let position = (0..<min(fileNames.count, modelNames.count)).first { fileNames[$0] != modelNames[$0] } ?? min(fileNames.count, modelNames.count)
        let fileName = position < fileNames.count ? "'\(fileNames[position])'" : "nothing"
        let modelName = position < modelNames.count ? "'\(modelNames[position])'" : "nothing"
        throw ZooError("'\(path)' is not Keras's \(published.fileName) (Keras publishes no hash for it, so tl checks its layers): weighted layer \(position + 1) is \(fileName) in the file, \(modelName) in the model \(model.name)")
    }
}

extension ResNet50 {
    /// The layer names of the Keras 2.0-era ResNet50 weights (`conv1`, `bn_conv1`, `res2a_branch2a`,
    /// `bn2a_branch1`, `fc1000`) mapped to today's (`conv1_conv`, `conv1_bn`, `conv2_block1_1_conv`,
    /// `conv2_block1_0_bn`, `predictions`).
    public static let legacyLayerNames: [String: String] = {
        var names = ["conv1": "conv1_conv", "bn_conv1": "conv1_bn", "fc1000": "predictions"]
        let branches = [("branch1", "0"), ("branch2a", "1"), ("branch2b", "2"), ("branch2c", "3")]
        for (stage, stack) in stacks.enumerated() {
            for block in 1...stack.blocks {
                let letter = Character(UnicodeScalar(UInt8(96 + block)))
                for (branch, index) in branches {
                    names["res\(stage + 2)\(letter)_\(branch)"] = "\(stack.name)_block\(block)_\(index)_conv"
                    names["bn\(stage + 2)\(letter)_\(branch)"] = "\(stack.name)_block\(block)_\(index)_bn"
                }
            }
        }
        return names
    }()
}
