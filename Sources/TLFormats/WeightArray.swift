/// One weight tensor as stored in a weight file: its name, its shape (outermost first) and its values
/// in row-major (C) order, the order NumPy and Keras use. Keras kernels are laid out
/// `(kh, kw, in, out)` for Conv2D and `(in, out)` for Dense.
public struct WeightArray: Equatable {
    /// The name the file gives the weight: for legacy files the `weight_names` entry (a path inside the
    /// layer group such as `block1_conv1/kernel` or `block1_conv1_W_1:0`); for Keras 3 files the index
    /// of the variable under `vars` (`"0"`, `"1"`, ...).
    public var name: String
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
