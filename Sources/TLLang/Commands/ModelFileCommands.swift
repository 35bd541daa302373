import Foundation
import TLNN
import TLZoo
import TLScript
import TLSaving

extension Session {
    /// `save_model` / `load_model`: a whole model (architecture, weights, compile settings) in one file.
    func registerModelFileCommands() {
        command("save_model", parameters: [ParameterSpec("model", kind: .object), ParameterSpec("path", kind: .string)],
                aliases: ["save", "models.save_model", "keras.models.save_model"]) { session, args, interpreter in
            guard case .object(let object as ModelObject) = args["model"] else {
                throw args.typeError("model", expected: "a model (from sequential(), load_vgg16() or load_model())")
            }
            let path = session.outputPath(try args.string("path"))
            try ModelFile.save(object.layer, path: path)
            interpreter.write("saved model '\(object.layer.name)' to \(path)\n")
            return .none
        }
        command("load_model", parameters: [ParameterSpec("path", kind: .string)],
                aliases: ["models.load_model", "keras.models.load_model"]) { _, args, _ in
            .object(ModelObject(try ModelFile.load(path: try args.string("path"))))
        }
    }
}

extension WarningReportingSource {
    /// A flow's batches: `batch_size` images (at most all of them) at the target size, 2 prepared ahead
    /// (DirectoryIterator's default prefetch).
    var batchShapeHint: (batchSize: Int, sampleShape: [Int], prefetchedBatches: Int)? {
        (min(iterator.batchSize, max(iterator.samples, 1)), [iterator.targetSize.height, iterator.targetSize.width, 3], 2)
    }
}
