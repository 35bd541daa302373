import Foundation
import TLTensor
import TLData
import TLScript

extension Session {
    /// `load_img`: one image file as an array, as Keras's `load_img` followed by `img_to_array`.
    func registerImageFileCommands() {
        register(CommandSpec(name: "load_img", parameters: [
            ParameterSpec("path", kind: .string), ParameterSpec("target_size", default: .none),
            ParameterSpec("interpolation", default: "nearest", kind: .string),
        ], aliases: ["image.load_img", "keras.utils.load_img", "utils.load_img", "preprocessing.image.load_img",
                     "keras.preprocessing.image.load_img"]) { args, _ in
            let size = args["target_size"].isNone ? nil : try args.pair("target_size")
            let image = try loadImage(path: try args.string("path"), targetSize: size.map { (height: $0.0, width: $0.1) },
                                      interpolation: try args.string("interpolation"))
            let values = image.pixels.map(Float.init)
            return .object(ArrayObject(Tensor(shape: [image.height, image.width, 3], scalars: values)))
        })
    }
}
