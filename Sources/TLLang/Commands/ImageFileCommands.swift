import Foundation
import TLTensor
import TLData
import TLScript

extension Session {
    /// `load_img`: one image file as an array, as Keras's `load_img` followed by `img_to_array`.
    func registerImageFileCommands() {
        command("load_img", parameters: [
            ParameterSpec("path", kind: .string), ParameterSpec("target_size", default: .none),
            ParameterSpec("interpolation", default: "nearest", kind: .string),
        ], aliases: ["image.load_img", "keras.utils.load_img", "utils.load_img", "preprocessing.image.load_img",
                     "keras.preprocessing.image.load_img"]) { _, args, _ in
            let size = args["target_size"].isNone ? nil : try args.pair("target_size")
            let image = try loadImage(path: try args.string("path"), targetSize: size.map { (height: $0.0, width: $0.1) },
                                      interpolation: try args.string("interpolation"))
            let values = image.pixels.map(Float.init)
            return .object(ArrayObject(Tensor(shape: [image.height, image.width, 3], scalars: values)))
        }

        command("img_to_array", parameters: [ParameterSpec("img"), ParameterSpec("dtype", default: .none)],
                aliases: ["image.img_to_array", "keras.utils.img_to_array", "utils.img_to_array",
                          "preprocessing.image.img_to_array", "keras.preprocessing.image.img_to_array"]) { _, args, _ in
            let image = try args.tensor("img")
            guard image.rank == 3 || image.rank == 2 else {
                throw ScriptError(.value, "Unsupported image shape: \(shapeText(image.shape)); img_to_array takes an image of (height, width) or (height, width, channels)")
            }
            let shape = image.rank == 2 ? image.shape + [1] : image.shape
            return .object(ArrayObject(Tensor(shape: shape, scalars: image.scalars)))
        }

        command("array_to_img", parameters: [ParameterSpec("x"), ParameterSpec("scale", default: true, kind: .bool)],
                aliases: ["image.array_to_img", "keras.utils.array_to_img", "utils.array_to_img",
                          "preprocessing.image.array_to_img", "keras.preprocessing.image.array_to_img"]) { _, args, _ in
            var image = try args.tensor("x")
            if image.rank == 4 && image.shape[0] == 1 { image = Tensor(shape: Array(image.shape.dropFirst()), scalars: image.scalars) }
            guard image.rank == 3 else {
                throw ScriptError(.value, "Expected image array to have rank 3 (single image). Got array with shape: \(shapeText(image.shape))")
            }
            let bytes: [Float]
            if try args.bool("scale") {
                bytes = displayBytes(FloatImage(height: image.shape[0], width: image.shape[1], channels: image.shape[2],
                                                values: image.scalars)).map(Float.init)
            } else {
                bytes = image.scalars.map { $0.isFinite ? Float(Int(max(0, min(255, $0)))) : 0 }
            }
            return .object(ArrayObject(Tensor(shape: image.shape, scalars: bytes)))
        }
    }
}
