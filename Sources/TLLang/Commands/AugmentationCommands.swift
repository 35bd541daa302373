import Foundation
import TLTensor
import TLData
import TLPlot
import TLScript

extension Session {
    func registerAugmentationCommands() {
        command("preview_augmentation", parameters: [
            ParameterSpec("generator", kind: .object), ParameterSpec("image_path", kind: .string),
            ParameterSpec("count", default: 8, kind: .int), ParameterSpec("output", default: "augmented.png", kind: .string),
            ParameterSpec("target_size", default: .tuple([150, 150])), ParameterSpec("columns", default: 4, kind: .int),
            ParameterSpec("seed", default: .none), ParameterSpec("interpolation", default: "nearest", kind: .string),
        ]) { session, args, interpreter in
            guard case .object(let generator as GeneratorObject) = args["generator"] else {
                throw args.typeError("generator", expected: "an image_data_generator(...)")
            }
            guard let augmentation = generator.config.augmentation else {
                throw ScriptError(.value, "preview_augmentation(): the generator has no augmentation, so every picture would be the same; "
                    + "give it e.g. rotation_range=40, width_shift_range=0.2, zoom_range=0.2, horizontal_flip=True")
            }
            let count = try args.int("count"), columns = try args.int("columns")
            guard (1...64).contains(count) else {
                throw ScriptError(.value, "argument 'count' of preview_augmentation() must be between 1 and 64, got \(count)")
            }
            guard columns >= 1 else {
                throw ScriptError(.value, "argument 'columns' of preview_augmentation() must be at least 1, got \(columns)")
            }
            let size = try args.pair("target_size")
            let interpolationName = try args.string("interpolation")
            guard let interpolation = Interpolation(rawValue: interpolationName.lowercased()) else {
                throw ScriptError(.value, "argument 'interpolation' of preview_augmentation() must be one of \(Interpolation.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(interpolationName)\"")
            }
            let path = try args.string("image_path")
            let picture = FloatImage(try loadImage(path: path, targetSize: (size.0, size.1), interpolation: interpolation))
            var random: MersenneTwister
            if let seed = try args.optionalInt("seed") {
                random = MersenneTwister(seed: UInt32(truncatingIfNeeded: seed))
            } else {
                var global = session.random.makeGenerator()
                random = MersenneTwister(seed: UInt32(truncatingIfNeeded: global.next()))
            }
            let images = try (0..<count).map { _ in
                try interpreter.throwIfCancelled()
                return displayBytes(augmentation.randomTransform(picture, random: &random))
            }
            let output = session.outputPath(try args.string("output"))
            do {
                try renderImageGrid(images: images.map { (width: picture.width, height: picture.height, rgb: $0) },
                                    columns: columns, to: output,
                                    title: "\(count) augmented versions of \((path as NSString).lastPathComponent)")
                session.announce(output, interpreter)
            } catch let error as PlotError {
                interpreter.write("warning: \(error.description); the run goes on without this picture\n")
            }
            return .none
        }
    }
}

/// Keras's `array_to_img(x)` (scale=True), as the walkthrough shows its augmented cats: the values
/// stretched to 0...255 by their minimum and maximum, then truncated to bytes.
func displayBytes(_ image: FloatImage) -> [UInt8] {
    let finite = image.values.filter(\.isFinite)
    guard let low = finite.min(), let high = finite.max() else { return image.values.map { _ in 0 } }
    let range = high - low
    return image.values.map { value in
        guard value.isFinite else { return 0 }
        let stretched = range == 0 ? 0 : (value - low) / range * 255
        return UInt8(clamping: Int(max(0, min(255, stretched))))
    }
}
