import Foundation
import TLTensor
import TLNN
import TLData
import TLZoo
import TLScript

extension Session {
    /// `VGG19`, `ResNet50`, `MobileNet`, `MobileNetV2`, `InceptionV3`, `Xception` with Keras's arguments and
    /// qualified names, each module's `preprocess_input`, and `decode_predictions`.
    func registerApplicationCommands() {
        for application in KerasApplication.allCases {
            registerConstructor(application)
            registerPreprocessInput(application)
        }
        command("decode_predictions", parameters: [ParameterSpec("preds"), ParameterSpec("top", default: 5, kind: .int)],
                aliases: ["keras.applications.imagenet_utils.decode_predictions", "imagenet_utils.decode_predictions"]
                   + KerasApplication.allCases.flatMap { ["keras.applications.\($0.rawValue).decode_predictions", "\($0.rawValue).decode_predictions"] }) { _, args, _ in
            let decoded = try ImageNetClasses.decodePredictions(try args.tensor("preds"), top: try args.int("top"))
            return .list(decoded.map { row in .list(row.map { .tuple([.string($0.wnid), .string($0.name), .float(Double($0.score))]) }) })
        }
    }

    private func registerConstructor(_ application: KerasApplication) {
        let name = application.constructorName
        var parameters = [
            ParameterSpec("include_top", default: true, kind: .bool), ParameterSpec("weights", default: "imagenet"),
            ParameterSpec("input_tensor", default: .none), ParameterSpec("input_shape", default: .none),
            ParameterSpec("pooling", default: .none), ParameterSpec("classes", default: 1000, kind: .int),
            ParameterSpec("classifier_activation", default: "softmax"),
        ]
        switch application {
        case .mobilenet:
            parameters.insert(contentsOf: [ParameterSpec("alpha", default: 1.0, kind: .number), ParameterSpec("depth_multiplier", default: 1, kind: .int),
                                           ParameterSpec("dropout", default: 1e-3, kind: .number)], at: 1)
        case .mobilenetV2:
            parameters.insert(ParameterSpec("alpha", default: 1.0, kind: .number), at: 1)
        default: break
        }
        let module = application.rawValue
        command(name, parameters: parameters,
                aliases: ["applications.\(name)", "keras.applications.\(name)", "\(module).\(name)",
                          "keras.applications.\(module).\(name)"]) { _, args, _ in
            guard args["input_tensor"].isNone else {
                throw ScriptError(.value, "\(name)(): input_tensor is not supported in tl; give input_shape=(height, width, 3) instead")
            }
            let options = try Self.applicationOptions(args, command: name)
            let alpha = application == .mobilenet || application == .mobilenetV2 ? try args.double("alpha") : 1.0
            let depthMultiplier = application == .mobilenet ? try args.int("depth_multiplier") : 1
            let model = try application.load(weights: try WeightsArgument(args).vgg16, options: options, alpha: alpha,
                                             depthMultiplier: depthMultiplier)
            return .object(ModelObject(model))
        }
    }

    /// `include_top`, `input_shape`, `pooling`, `classes`, `classifier_activation` as ``ApplicationOptions``.
    static func applicationOptions(_ args: CallArguments, command: String) throws -> ApplicationOptions {
        let activationName = try args.optionalString("classifier_activation")
        guard let activation = Activation(kerasName: activationName) else {
            throw ScriptError(.value, "argument 'classifier_activation' of \(command)() must be \"softmax\", None or another activation name, got \"\(activationName ?? "None")\"")
        }
        return ApplicationOptions(includeTop: try args.bool("include_top"), inputShape: try args.shape("input_shape"), pooling: try args.pooling(),
                                  classes: try args.int("classes"), classifierActivation: activation)
    }

    /// `keras.applications.resnet50.preprocess_input(x)` and the other modules' (an array or list of
    /// RGB pixel values 0-255, last axis 3): a new array, as Keras returns for a float input.
    private func registerPreprocessInput(_ application: KerasApplication) {
        let module = application.rawValue
        let primary = "\(module).preprocess_input"
        var aliases = ["keras.applications.\(module).preprocess_input", "applications.\(module).preprocess_input"]
        if application == .vgg19 { aliases.append("keras.applications.vgg16.preprocess_input") }
        if application == .vgg19, interpreter.command(named: "vgg16.preprocess_input") == nil { aliases.append("vgg16.preprocess_input") }
        let function = application.preprocessing
        command(primary, parameters: [ParameterSpec("x"), ParameterSpec("data_format", default: .none)],
                aliases: aliases) { _, args, _ in
            var tensor = try args.tensor("x")
            guard tensor.shape.last == 3 else {
                throw ScriptError(.value, "\(primary)(): expects RGB values with 3 channels on the last axis, got shape \(shapeText(tensor.shape))")
            }
            tensor.scalars.withUnsafeMutableBufferPointer { function.apply(to: $0) }
            return .object(ArrayObject(tensor))
        }
    }
}
