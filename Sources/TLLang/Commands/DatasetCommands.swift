import TLTensor
import TLData
import TLScript

extension Session {
    /// `image_dataset_from_directory` with tf-keras's arguments, checks and messages.
    func registerDatasetCommands() {
        command("image_dataset_from_directory", parameters: [
            ParameterSpec("directory", kind: .string), ParameterSpec("labels", default: "inferred"),
            ParameterSpec("label_mode", default: "int"), ParameterSpec("class_names", default: .none),
            ParameterSpec("color_mode", default: "rgb", kind: .string), ParameterSpec("batch_size", default: 32),
            ParameterSpec("image_size", default: .tuple([256, 256])), ParameterSpec("shuffle", default: true, kind: .bool),
            ParameterSpec("seed", default: .none), ParameterSpec("validation_split", default: .none),
            ParameterSpec("subset", default: .none), ParameterSpec("interpolation", default: "bilinear", kind: .string),
            ParameterSpec("follow_links", default: false, kind: .bool),
            ParameterSpec("crop_to_aspect_ratio", default: false, kind: .bool),
        ], aliases: ["keras.utils.image_dataset_from_directory", "utils.image_dataset_from_directory",
                     "tf.keras.utils.image_dataset_from_directory", "tf.keras.preprocessing.image_dataset_from_directory",
                     "keras.preprocessing.image_dataset_from_directory", "preprocessing.image_dataset_from_directory"]) { session, args, interpreter in
            try session.imageDatasetFromDirectory(args, interpreter: interpreter)
        }
        command("autotune", parameters: [],
                aliases: ["tf.data.AUTOTUNE", "tf.data.experimental.AUTOTUNE"]) { _, _, _ in .int(-1) }
    }

    private func imageDatasetFromDirectory(_ args: CallArguments, interpreter: Interpreter) throws -> Value {
        let split = try validationSplit(args)
        let subsetName = try args.optionalString("subset")
        let shuffle = try args.bool("shuffle")
        if let subsetName, !["training", "validation", "both"].contains(subsetName) {
            throw ScriptError(.value, "`subset` must be either \"training\", \"validation\" or \"both\", received: \(subsetName)")
        }
        if (split != nil) != (subsetName != nil) {
            throw ScriptError(.value, "If `subset` is set, `validation_split` must be set, and inversely.")
        }
        if split != nil && shuffle && args["seed"].isNone {
            throw ScriptError(.value, "If using `validation_split` and shuffling the data, you must provide a `seed` argument, to make sure that there is no overlap between the training and validation subset.")
        }
        if try args.bool("follow_links") {
            throw ScriptError(.value, "image_dataset_from_directory(): follow_links=True is not supported; tl lists class folders without descending symlinked sub-folders (Keras's default)")
        }
        let interpolation = try args.string("interpolation").lowercased()
        guard interpolation == "bilinear" else {
            throw ScriptError(.value, "image_dataset_from_directory(): tl resizes with interpolation=\"bilinear\" (Keras's default) only, got \"\(interpolation)\"")
        }
        let seed = args["seed"].isNone ? UInt32.random(in: 0..<1_000_000) : UInt32(truncatingIfNeeded: try args.int("seed"))
        let labelled = try datasetLabelling(args)
        let directory = try args.string("directory")
        let index: ImageDatasetIndex
        do {
            index = try ImageDatasetIndex(directory: directory, classNames: try classNames(args), shuffle: shuffle, seed: seed)
        } catch let error as DatasetError { throw ScriptError(.value, error.description) }
        let labelMode = labelled ? try datasetLabelMode(args) : nil
        interpreter.write(labelMode == nil ? "Found \(index.paths.count) files.\n"
                          : "Found \(index.paths.count) files belonging to \(index.classNames.count) classes.\n")
        let subsets: [Subset?] = subsetName == "both" ? [.training, .validation] : [subsetName.flatMap(Subset.init(rawValue:))]
        var datasets: [Value] = []
        for subset in subsets {
            var part = index
            if let subset, let split {
                part = index.subset(subset, validationSplit: split)
                interpreter.write(subset == .training ? "Using \(part.paths.count) files for training.\n" : "Using \(part.paths.count) files for validation.\n")
            }
            guard !part.paths.isEmpty else {
                let what = subset.map { "\($0.rawValue) images" } ?? "images"
                throw ScriptError(.value, "No \(what) found in directory \(directory). Allowed formats: \(ImageDatasetIndex.allowedEndings)")
            }
            datasets.append(try makeDataset(part, args, labelMode: labelMode, shuffleSeed: shuffle && subset != .validation ? seed : nil))
        }
        return datasets.count == 1 ? datasets[0] : .list(datasets)
    }

    private func makeDataset(_ index: ImageDatasetIndex, _ args: CallArguments, labelMode: DatasetLabelMode?,
                             shuffleSeed: UInt32?) throws -> Value {
        guard let colorMode = DatasetColorMode(rawValue: try args.string("color_mode")) else {
            throw ScriptError(.value, "`color_mode` must be one of {\"rgb\", \"rgba\", \"grayscale\"}. Received: color_mode=\(try args.string("color_mode"))")
        }
        let size = try args.pair("image_size")
        guard !args["batch_size"].isNone else {
            throw ScriptError(.value, "image_dataset_from_directory(): tl's data sets are batched; batch_size=None (single images) is not supported, give a batch size")
        }
        let batchSize = try args.int("batch_size")
        guard batchSize >= 1 else { throw ScriptError(.value, "batch_size must be at least 1, got \(batchSize)") }
        do {
            let dataset = try ImageDataset(index: index, imageSize: (size.0, size.1), batchSize: batchSize, colorMode: colorMode,
                                           labelMode: labelMode, cropToAspectRatio: try args.bool("crop_to_aspect_ratio"),
                                           shuffleSeed: shuffleSeed)
            return .object(DatasetObject(dataset))
        } catch let error as DatasetError { throw ScriptError(.value, error.description) }
    }

    private func validationSplit(_ args: CallArguments) throws -> Double? {
        guard !args["validation_split"].isNone else { return nil }
        let split = try args.double("validation_split")
        if split == 0 { return nil }
        guard split > 0 && split < 1 else {
            throw ScriptError(.value, "`validation_split` must be between 0 and 1, received: \(split)")
        }
        return split
    }

    /// Whether the data set has labels: `labels="inferred"` (from the folders) or None.
    private func datasetLabelling(_ args: CallArguments) throws -> Bool {
        if args["labels"].isNone { return false }
        guard args["labels"].asString == "inferred" else {
            throw ScriptError(.value, "image_dataset_from_directory(): tl takes labels=\"inferred\" (one folder per class) or None; a list of labels is not supported")
        }
        return !args["label_mode"].isNone
    }

    private func datasetLabelMode(_ args: CallArguments) throws -> DatasetLabelMode? {
        let name = try args.string("label_mode")
        guard let mode = DatasetLabelMode(rawValue: name) else {
            throw ScriptError(.value, "`label_mode` argument must be one of \"int\", \"categorical\", \"binary\", or None. Received: label_mode=\(name)")
        }
        return mode
    }

    private func classNames(_ args: CallArguments) throws -> [String]? {
        guard !args["class_names"].isNone else { return nil }
        return try args.list("class_names").map { item in
            guard let name = item.asString else { throw args.typeError("class_names", expected: "a list of folder names") }
            return name
        }
    }
}
