import Foundation
import TLTensor

/// An n-dimensional array of one ``DType``, NumPy's `ndarray`: a ``StridedLayout`` over shared
/// ``ArrayStorage``. Copying the struct copies the view, not the elements: `b = a` and every basic slice
/// see the same memory, and writes through any of them are visible through all, as in NumPy.
public struct NDArray {
    public let storage: ArrayStorage
    public internal(set) var layout: StridedLayout

    public init(storage: ArrayStorage, layout: StridedLayout) {
        self.storage = storage
        self.layout = layout
    }

    /// A new contiguous array of `shape` filled with zeros (False).
    public init(zeros shape: [Int], dtype: DType) {
        self.init(storage: ArrayStorage(dtype: dtype, count: shape.reduce(1, *)), layout: .contiguous(shape))
    }

    /// A new zero-filled array of a shape a user asked for, checked first: NumPy's errors for negative
    /// sizes, and MemoryError (in NumPy's words) rather than a crash for more bytes than the machine has.
    public static func zeros(checking shape: [Int], dtype: DType) throws -> NDArray {
        try checkAllocation(shape, dtype: dtype)
        return NDArray(zeros: shape, dtype: dtype)
    }

    /// Throws unless an array of `shape` and `dtype` can be allocated.
    public static func checkAllocation(_ shape: [Int], dtype: DType) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw ArrayError(.value, "negative dimensions are not allowed") }
        var bytes = dtype.byteCount
        var overflow = false
        for size in shape where !overflow { (bytes, overflow) = bytes.multipliedReportingOverflow(by: size) }
        if overflow || UInt64(bytes) > ProcessInfo.processInfo.physicalMemory {
            let gib = shape.reduce(Double(dtype.byteCount)) { $0 * Double($1) } / Double(1 << 30)
            throw ArrayError(.memory, "Unable to allocate \(String(format: "%.1f", gib)) GiB for an array with shape \(shapeDescription(shape)) and data type \(dtype.rawValue)")
        }
    }

    /// A new contiguous array holding `values` in row-major order.
    public init<T: ArrayElement>(shape: [Int], values: [T]) {
        precondition(shape.reduce(1, *) == values.count, "shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        self.init(storage: T.storage(values), layout: .contiguous(shape))
    }

    /// A 0-d array holding one Python number, of the number's natural dtype (`np.asarray(3)` is int64).
    public init(_ number: PythonNumber) {
        switch number {
        case .bool(let b): self.init(shape: [], values: [b])
        case .int(let i): self.init(shape: [], values: [Int64(i)])
        case .float(let d): self.init(shape: [], values: [d])
        }
    }

    /// A float32 array sharing the tensor's buffer until either is written.
    public init(_ tensor: Tensor) {
        self.init(storage: ArrayStorage(float32: tensor.scalars), layout: .contiguous(tensor.shape))
    }

    public var dtype: DType { storage.dtype }
    public var shape: [Int] { layout.shape }
    public var strides: [Int] { layout.strides }
    public var ndim: Int { layout.rank }
    public var size: Int { layout.count }

    /// Whether this view covers its whole storage in row-major order (so the buffer can be handed over as is).
    var coversStorageInOrder: Bool { layout.offset == 0 && layout.isContiguous && size == storage.count }

    /// The elements as a float32 tensor (every dtype converted), the form the engine's commands take.
    /// A contiguous float32 array hands over its buffer without copying.
    public var tensor: Tensor {
        if dtype == .float32 && coversStorageInOrder { return Tensor(shape: shape, scalars: storage.float32) }
        return Tensor(shape: shape, scalars: values(as: Float.self))
    }

    /// The elements in row-major order, converted to `T`.
    public func values<T: ArrayElement>(as type: T.Type) -> [T] {
        gathered(dtype.elementType, as: T.self)
    }

    private func gathered<S: ArrayElement, T: ArrayElement>(_ source: S.Type, as target: T.Type) -> [T] {
        let count = size
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            if count > 0 {
                S.reading(storage) { src in
                    StridedKernels.copy(src, layout, into: buffer.baseAddress!, .contiguous(shape)) { $0.converted(to: T.self) }
                }
            }
            initialized = count
        }
    }

    /// A new array with the same elements converted to `dtype` (NumPy's `astype`, which copies), laid out
    /// in this view's memory order as NumPy's default `order='K'` does (a transposed array stays
    /// column-major), so later reductions add in NumPy's order.
    public func astype(_ dtype: DType) -> NDArray {
        let out = NDArray(storage: ArrayStorage(dtype: dtype, count: size), layout: .contiguous(shape, order: StridedLayout.iterationOrder([layout])))
        out.storeContents(of: self, at: out.layout)
        return out
    }

    /// A new row-major array with the same elements (`a.copy()`).
    public func copy() -> NDArray {
        let out = NDArray(zeros: shape, dtype: dtype)
        out.storeContents(of: self, at: out.layout)
        return out
    }

    /// This array when it is contiguous from its storage's start, else a contiguous copy.
    public func contiguous() -> NDArray { coversStorageInOrder ? self : copy() }

    /// The single element of a one-element array as a Python number; nil for other sizes.
    public var scalar: PythonNumber? {
        guard size == 1 else { return nil }
        func first<T: ArrayElement>(_ type: T.Type) -> PythonNumber { values(as: T.self)[0].pythonNumber }
        return first(dtype.elementType)
    }

    /// Whether both arrays view the same storage (writes through one can change the other).
    public func sharesMemory(with other: NDArray) -> Bool { storage === other.storage }
}
