/// One entry of a PyTorch `state_dict`: its key, its shape and its values as `Float`, row-major
/// (C order), whatever the storage's type and the tensor's strides were in the file.
public struct TorchTensor: Equatable, Sendable {
    /// The state_dict key, e.g. `"_conv_stem.weight"`.
    public var name: String
    /// PyTorch's `size()`; empty for a scalar (0-d) tensor.
    public var shape: [Int]
    /// `shape.reduce(1, *)` values in row-major order.
    public var values: [Float]

    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }
}
