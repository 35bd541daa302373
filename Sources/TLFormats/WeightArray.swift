/// One weight tensor as stored in a weight file: its name, its shape (outermost first) and its values
/// as `Float` in row-major (C) order, the order NumPy, Keras and PyTorch's contiguous tensors use, whatever
/// the storage's type and strides were in the file. Keras kernels are laid out `(kh, kw, in, out)` for
/// Conv2D and `(in, out)` for Dense; PyTorch's `(out, in, kh, kw)` and `(out, in)`.
public struct WeightArray: Equatable, Sendable {
    /// The name the file gives the weight: for legacy Keras files the `weight_names` entry (a path inside
    /// the layer group such as `block1_conv1/kernel` or `block1_conv1_W_1:0`); for Keras 3 files the index
    /// of the variable under `vars` (`"0"`, `"1"`, ...); for PyTorch the state_dict key (`_conv_stem.weight`).
    public var name: String
    /// The sizes, outermost first; empty for a scalar (0-d) tensor.
    public var shape: [Int]
    public var values: [Float]

    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }

    /// Number of scalars, `shape.reduce(1, *)`.
    public var elementCount: Int { shape.reduce(1, *) }
}
