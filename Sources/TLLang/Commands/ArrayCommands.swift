import Foundation
import TLTensor
import TLFormats
import TLScript

extension Session {
    func registerArrayCommands() {
        register(CommandSpec(name: "reshape", parameters: [ParameterSpec("array"), ParameterSpec("shape")],
                             aliases: ["np.reshape", "numpy.reshape"]) { args, _ in
            let tensor = try args.tensor("array")
            guard let dims = args["shape"].asSequence?.compactMap(\.asInt) ?? args["shape"].asInt.map({ [$0] }),
                  dims.count == (args["shape"].asSequence?.count ?? 1) else {
                throw args.typeError("shape", expected: "a tuple of sizes such as (2000, 4 * 4 * 512)")
            }
            do {
                return .object(ArrayObject(try tensor.reshaped(dims)))
            } catch let error as TensorError {
                throw ScriptError(.value, "reshape(): \(error.description)")
            }
        })
        register(CommandSpec(name: "save_npy", parameters: [ParameterSpec("path", kind: .string), ParameterSpec("array")],
                             aliases: ["np.save", "numpy.save"]) { args, interpreter in
            var path = try args.string("path")
            if !path.hasSuffix(".npy") { path += ".npy" }   // NumPy appends the extension too
            path = self.outputPath(path)
            let tensor = try args.tensor("array")
            try NPY.write(path: path, shape: tensor.shape, values: tensor.scalars)
            interpreter.write("saved array \(shapeText(tensor.shape)) to \(path)\n")
            return .none
        })
        register(CommandSpec(name: "load_npy", parameters: [ParameterSpec("path", kind: .string)], aliases: ["np.load", "numpy.load"]) { args, _ in
            let (shape, values) = try NPY.read(path: try args.string("path"))
            return .object(ArrayObject(Tensor(shape: shape, scalars: values)))
        })
    }
}
