import Foundation
import TLTensor
import TLNN
import TLData
import TLZoo
import TLSaving

/// Predicting on photo files, the step after training: `model.predict(["a.jpg", "folder"])` and
/// `tl predict MODEL.h5 PHOTOS...`. Files are read as `image_dataset_from_directory` reads them
/// (decoded, bilinear-resized to the model's input size, float32 0..255), so a model trained on such a
/// data set sees new photos the same way.
public enum PhotoPrediction {
    /// The image files named: files as given, folders as their image files (sub-folders included), sorted.
    public static func files(_ paths: [String]) throws -> [String] {
        var result: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw CommandError("no such file or folder: \(path)")
            }
            guard isDirectory.boolValue else { result.append(path); continue }
            let root = URL(fileURLWithPath: path)
            let found = FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []
            let images = found.filter { name in
                let lower = name.lowercased()
                return (ImageDatasetIndex.allowedEndings + [".tif", ".tiff"]).contains { lower.hasSuffix($0) }
            }
            result += images.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { root.appendingPathComponent($0).path }
        }
        guard !result.isEmpty else { throw CommandError("no image files in \(paths.joined(separator: ", "))") }
        return result
    }

    /// The (height, width) a model takes, from its input shape.
    public static func imageSize(of model: Layer) throws -> (height: Int, width: Int) {
        let shape = (model as? Sequential)?.inputShape ?? (model as? Functional)?.inputShape
        guard let shape, shape.count == 3, let height = shape[0], let width = shape[1], shape[2] == 3 else {
            throw CommandError("model '\(model.name)' does not take RGB images of a fixed size (its input shape is \(shape.map(describeShape) ?? "unknown")); predicting on photo files needs one")
        }
        return (height, width)
    }

    /// The model's raw outputs for `files`, in batches of `batchSize`.
    public static func outputs(of model: Layer, files: [String], batchSize: Int = 32,
                               checkCancelled: () throws -> Void = {}) throws -> Tensor {
        let size = try imageSize(of: model)
        var parts: [Tensor] = []
        var start = 0
        while start < files.count {
            try checkCancelled()
            let chunk = files[start..<min(files.count, start + batchSize)]
            var scalars: [Float] = []
            for file in chunk {
                scalars += try ImageDataset.prepare(try ImageDecoder.decode(path: file), colorMode: .rgb, size: size, crop: false)
            }
            parts.append(try model(Tensor(shape: [chunk.count, size.height, size.width, 3], scalars: scalars)))
            start += batchSize
        }
        return Tensor.concatenate(parts)
    }

    /// Class probabilities of one output row: a single output is P(second class) (a sigmoid applied
    /// unless the model ends in one), several are a softmax (applied unless the model ends in one).
    public static func probabilities(_ row: [Float], model: Layer) -> [Float] {
        let last = (model as? Functional)?.nodes.last?.layer ?? (model as? Sequential)?.executionLeaves.last
        let activation = (last as? ActivatedLayer)?.activation
        if row.count == 1 {
            let p = activation == .sigmoid ? row[0] : 1 / (1 + exp(-row[0]))
            return [1 - p, p]
        }
        if activation == .softmax { return row }
        let top = row.max() ?? 0
        let exps = row.map { exp($0 - top) }
        let total = exps.reduce(0, +)
        return exps.map { $0 / total }
    }

    /// The `top` most probable classes of each file, as printed lines: `file: class (probability)`.
    public static func report(modelPath: String, photos: [String], top: Int, classNames: [String]?) throws -> [String] {
        let model = try ModelFile.load(path: modelPath)
        let files = try self.files(photos)
        let outputs = try self.outputs(of: model, files: files)
        let width = outputs.count / max(files.count, 1)
        return files.enumerated().map { i, file in
            let probabilities = self.probabilities(Array(outputs.scalars[(i * width)..<((i + 1) * width)]), model: model)
            let ranked = probabilities.enumerated().sorted { $0.element > $1.element }.prefix(max(top, 1))
            let names = ranked.map { index, p in
                let name = classNames.flatMap { index < $0.count ? $0[index] : nil } ?? "class \(index)"
                return "\(name) (\(String(format: "%.4f", p)))"
            }
            return "\(file): \(names.joined(separator: ", "))"
        }
    }
}
