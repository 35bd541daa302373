import Foundation
import TLTensor
import TLNN
import TLData
import TLZoo
import TLScript

extension Session {
    func registerDataCommands() {
        registerGeneratorCommand()
        registerFlowCommands()
        registerExtractFeatures()
    }

    private func registerGeneratorCommand() {
        command("image_data_generator", parameters: [
            ParameterSpec("rescale", default: .none), ParameterSpec("rotation_range", default: 0, kind: .number),
            ParameterSpec("width_shift_range", default: .float(0)), ParameterSpec("height_shift_range", default: .float(0)),
            ParameterSpec("brightness_range", default: .none), ParameterSpec("shear_range", default: .float(0), kind: .number),
            ParameterSpec("zoom_range", default: .float(0)), ParameterSpec("channel_shift_range", default: .float(0), kind: .number),
            ParameterSpec("fill_mode", default: "nearest", kind: .string), ParameterSpec("cval", default: .float(0), kind: .number),
            ParameterSpec("horizontal_flip", default: false, kind: .bool), ParameterSpec("vertical_flip", default: false, kind: .bool),
            ParameterSpec("preprocessing_function", default: .none), ParameterSpec("validation_split", default: 0.0, kind: .number),
        ], aliases: ["ImageDataGenerator", "image.ImageDataGenerator", "preprocessing.image.ImageDataGenerator"]) { session, args, _ in
            let (config, given) = try session.generatorConfig(args)
            return .object(GeneratorObject(config: config, arguments: given))
        }
    }

    private func registerFlowCommands() {
        command("flow_from_directory", parameters: [
            ParameterSpec("generator", kind: .object), ParameterSpec("directory", kind: .string),
            ParameterSpec("target_size", default: .tuple([256, 256])), ParameterSpec("color_mode", default: "rgb", kind: .string),
            ParameterSpec("classes", default: .none), ParameterSpec("class_mode", default: "categorical"),
            ParameterSpec("batch_size", default: 32, kind: .int), ParameterSpec("shuffle", default: true, kind: .bool),
            ParameterSpec("seed", default: .none), ParameterSpec("interpolation", default: "nearest", kind: .string),
            ParameterSpec("on_bad_image", default: "error", kind: .string),
            ParameterSpec("workers", default: .none), ParameterSpec("prefetch", default: 2, kind: .int),
            ParameterSpec("subset", default: .none),
        ]) { session, args, interpreter in
            guard case .object(let generator as GeneratorObject) = args["generator"] else {
                throw args.typeError("generator", expected: "an image_data_generator(...)")
            }
            guard try args.string("color_mode") == "rgb" else {
                throw ScriptError(.value, "flow_from_directory(): tl reads images as RGB; color_mode must be \"rgb\"")
            }
            let flow = try session.makeFlow(args, config: generator.config, interpreter: interpreter)
            interpreter.write(flow.message + "\n")
            // Weakly: the flow lives in the interpreter's variables.
            return .object(FlowObject(flow, report: { [weak interpreter] in interpreter?.write($0) }))
        }

        command("flow", parameters: [
            ParameterSpec("generator", kind: .object), ParameterSpec("x"), ParameterSpec("y", default: .none),
            ParameterSpec("batch_size", default: 32, kind: .int), ParameterSpec("shuffle", default: true, kind: .bool),
            ParameterSpec("seed", default: .none), ParameterSpec("subset", default: .none),
        ]) { session, args, _ in
            guard case .object(let generator as GeneratorObject) = args["generator"] else {
                throw args.typeError("generator", expected: "an image_data_generator(...)")
            }
            let labels = args["y"].isNone ? nil : try args.tensor("y")
            let seed = try args.optionalInt("seed").map { UInt64(bitPattern: Int64($0)) }
            do {
                return .object(ArrayFlowObject(try ArrayIterator(
                    images: try args.tensor("x"), labels: labels, batchSize: try args.int("batch_size"),
                    shuffle: try args.bool("shuffle"), seed: seed, config: generator.config, subset: try session.subset(args))))
            } catch let error as ArrayIteratorError {
                throw ScriptError(.value, error.description)
            }
        }

        // `next(flow)`; an interpreter with its own `next` (over any iterator) keeps it: flows answer it too.
        guard interpreter.command(named: "next") == nil else { return }
        command("next", parameters: [ParameterSpec("flow", kind: .object)]) { _, args, _ in
            guard case .object(let object) = args["flow"], let flow = object as? any StreamingFlow else {
                throw ScriptError(.type, "'\(args["flow"].typeName)' object is not an iterator")
            }
            return flow.batchValue(try flow.takeBatch())
        }
    }

    private func registerExtractFeatures() {
        command("extract_features", parameters: [
            ParameterSpec("conv_base", kind: .object), ParameterSpec("directory", kind: .string),
            ParameterSpec("count", default: .none), ParameterSpec("target_size", default: .tuple([150, 150])),
            ParameterSpec("batch_size", default: 20, kind: .int), ParameterSpec("generator", default: .none),
            ParameterSpec("verbose", default: 1, kind: .int),
        ]) { session, args, interpreter in
            let base = try args.layer("conv_base")
            var config = ImageDataGeneratorConfig(rescale: 1 / 255)
            if case .object(let generator as GeneratorObject) = args["generator"] { config = generator.config }
            else if !args["generator"].isNone { throw args.typeError("generator", expected: "an image_data_generator(...) or None") }
            let size = try args.pair("target_size")
            let batchSize = try args.int("batch_size")
            guard batchSize >= 1 else { throw ScriptError(.value, "argument 'batch_size' of extract_features() must be at least 1, got \(batchSize)") }
            let verbose = try args.int("verbose")
            let showsProgress = verbose == 1 && session.interactiveOutput
            let started = Date()
            let (features, labels) = try FeatureExtraction.extract(
                base: base, directory: try args.string("directory"), count: try args.optionalInt("count"),
                targetSize: (size.0, size.1), batchSize: batchSize, config: config,
                checkCancelled: {
                    if interpreter.isCancelled && showsProgress { interpreter.write("\r\u{1B}[K") }
                    try interpreter.throwIfCancelled()
                },
                progress: { done, total in
                    if showsProgress { interpreter.write("\r  \(done)/\(total) images\u{1B}[K") }
                    return true
                },
                announce: { interpreter.write($0 + "\n") })
            let seconds = Date().timeIntervalSince(started)
            let n = labels.shape[0]
            if showsProgress { interpreter.write("\r\u{1B}[K") }
            if verbose > 0 {
                interpreter.write("extracted features \(shapeText(features.shape)) from \(n) images in \(String(format: "%.1f", seconds))s (\(String(format: "%.1f", Double(n) / max(seconds, 1e-9))) images/s)\n")
            }
            return .tuple([.object(ArrayObject(features)), .object(ArrayObject(labels))])
        }
    }

    /// The `image_data_generator(...)` arguments as an `ImageDataGeneratorConfig`, and the arguments given
    /// (for the generator's description). Augmentation is on when any augmentation argument is given.
    func generatorConfig(_ args: CallArguments) throws -> (ImageDataGeneratorConfig, [(String, Value)]) {
        let name = "image_data_generator"
        var config = ImageDataGeneratorConfig()
        let given = args.values.keys.filter { args.isProvided($0) }
        let order = ["rescale", "rotation_range", "width_shift_range", "height_shift_range", "brightness_range", "shear_range",
                     "zoom_range", "channel_shift_range", "fill_mode", "cval", "horizontal_flip", "vertical_flip",
                     "preprocessing_function", "validation_split"]
        let arguments = order.filter { given.contains($0) }.map { ($0, args[$0]) }
        let split = try args.double("validation_split")
        guard split >= 0 && split < 1 else {
            throw ScriptError(.value, "`validation_split` must be strictly between 0 and 1. Received: \(split)")
        }
        config.validationSplit = split
        if !args["rescale"].isNone { config.rescale = Float(try args.double("rescale")) }
        if !args["preprocessing_function"].isNone {
            // keras.applications.resnet50.preprocess_input as a function value names its family too.
            let given = args["preprocessing_function"]
            if case .command(let spec) = given, spec.isUserDefined {
                throw ScriptError(.type, "argument 'preprocessing_function' of \(name)(): tl runs the keras.applications preprocess_input functions (by value or by name), not a function of your own ('\(spec.name)')")
            }
            let commandName: String? = { if case .command(let spec) = given { return spec.name }; return nil }()
            guard let function = given.asString ?? commandName else {
                throw ScriptError(.type, "argument 'preprocessing_function' of \(name)() must be the name of one: "
                    + PreprocessingFunction.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
                    + ", got \(args["preprocessing_function"].typeName)")
            }
            config.preprocessing = try augmentationArgument { try PreprocessingFunction(name: function) }
        }
        let augmentationArguments = order.filter { !["rescale", "preprocessing_function", "validation_split"].contains($0) }
        guard augmentationArguments.contains(where: { args.isProvided($0) }) else { return (config, arguments) }

        func shiftRange(_ argument: String) throws -> ShiftRange {
            switch args[argument] {
            case .int(let pixels): return .integer(pixels)
            case .float(let value): return .uniform(value)
            case .list, .tuple:
                let items = args[argument].asSequence ?? []
                let numbers = items.compactMap { item -> Double? in
                    if case .bool = item { return nil }
                    return item.asDouble
                }
                guard numbers.count == items.count else { throw args.typeError(argument, expected: "a list of numbers") }
                return .choices(numbers)
            default:
                throw args.typeError(argument, expected: "a fraction of the size (0.2), a number of pixels (20) or a list of choices")
            }
        }
        func pair(_ argument: String) throws -> (Double, Double) {
            let values = try args.doubles(argument)
            guard values.count == 2 else { throw args.typeError(argument, expected: "a pair (low, high)") }
            return (values[0], values[1])
        }
        var zoom = 0.0
        var zoomRange: (low: Double, high: Double)?
        switch args["zoom_range"] {
        case .int, .float: zoom = try args.double("zoom_range")
        case .list, .tuple: zoomRange = try pair("zoom_range")
        default: throw args.typeError("zoom_range", expected: "a float z (for [1-z, 1+z]) or a pair (low, high)")
        }
        let brightness: (low: Double, high: Double)? = args["brightness_range"].isNone ? nil : try pair("brightness_range")
        let widthShift = try shiftRange("width_shift_range"), heightShift = try shiftRange("height_shift_range")
        let fillMode = try args.string("fill_mode")
        config.augmentation = try augmentationArgument {
            try ImageAugmentation(
                rotationRange: try args.double("rotation_range"), widthShiftRange: widthShift, heightShiftRange: heightShift,
                shearRange: try args.double("shear_range"), zoom: zoom, zoomRange: zoomRange,
                channelShiftRange: try args.double("channel_shift_range"), brightnessRange: brightness,
                horizontalFlip: try args.bool("horizontal_flip"), verticalFlip: try args.bool("vertical_flip"),
                fillMode: try FillMode(kerasName: fillMode), cval: try args.double("cval"))
        }
        return (config, arguments)
    }

    /// Runs `body`, turning an `AugmentationError` (which names the argument) into a value error of
    /// `image_data_generator()`.
    private func augmentationArgument<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as AugmentationError {
            throw ScriptError(.value, "image_data_generator(): \(error.description)")
        }
    }

    /// `subset="training"` or `"validation"` (with the generator's `validation_split`), or None.
    func subset(_ args: CallArguments) throws -> Subset? {
        guard let name = try args.optionalString("subset") else { return nil }
        guard let subset = Subset(rawValue: name) else {
            throw ScriptError(.value, "Invalid `subset` argument: \(name). Expected \"training\" or \"validation\".")
        }
        return subset
    }

    /// `workers=None`: one background thread per core (at most 4).
    func workers(_ args: CallArguments) throws -> Int {
        guard let n = try args.optionalInt("workers") else { return DirectoryIterator.defaultWorkers }
        guard n >= 1 else { throw ScriptError(.value, "argument 'workers' of \(args.commandName)() must be at least 1, got \(n)") }
        return n
    }

    func prefetch(_ args: CallArguments) throws -> Int {
        let n = try args.int("prefetch")
        guard n >= 0 else { throw ScriptError(.value, "argument 'prefetch' of \(args.commandName)() must be 0 or more, got \(n)") }
        return n
    }

    func makeFlow(_ args: CallArguments, config: ImageDataGeneratorConfig, interpreter: Interpreter) throws -> DirectoryIterator {
        let size = try args.pair("target_size")
        let modeValue = args["class_mode"]
        let mode: ClassMode
        if modeValue.isNone { mode = .none } else {
            let name = try args.string("class_mode")
            guard let parsed = ClassMode(rawValue: name.lowercased()) else {
                throw ScriptError(.value, "argument 'class_mode' of flow_from_directory() must be \"binary\", \"categorical\", \"sparse\", \"input\" or None, got \"\(name)\"")
            }
            mode = parsed
        }
        let interpolationName = try args.string("interpolation")
        guard let interpolation = Interpolation(rawValue: interpolationName.lowercased()) else {
            throw ScriptError(.value, "argument 'interpolation' of flow_from_directory() must be one of \(Interpolation.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(interpolationName)\"")
        }
        let policy: BadImagePolicy
        switch try args.string("on_bad_image") {
        case "error": policy = .error
        case "skip": policy = .skip
        case let other: throw ScriptError(.value, "argument 'on_bad_image' of flow_from_directory() must be \"error\" or \"skip\", got \"\(other)\"")
        }
        let classes = args["classes"].isNone ? nil : try args.strings("classes")
        let seed = try args.optionalInt("seed").map { UInt64(bitPattern: Int64($0)) }
        return try DirectoryIterator(directory: try args.string("directory"), targetSize: (size.0, size.1),
                                     batchSize: try args.int("batch_size"), classMode: mode, classes: classes,
                                     shuffle: try args.bool("shuffle"), seed: seed, interpolation: interpolation,
                                     onBadImage: policy, config: config, subset: try self.subset(args),
                                     workers: try self.workers(args), prefetch: try self.prefetch(args), seeds: random)
    }
}
