import CTensorKernels

/// Element-wise arithmetic with NumPy's broadcasting: `a + b`, `a - b`, `a * b`, `a / b` (and `a * s`,
/// `a / s` for a scalar `s`) have the shape both operands broadcast to, `c[i] = a[i'] op b[i'']` with `i'`, `i''` the
/// elements the broadcast places at `i`; `a += b` (and `-=`, `*=`, `/=`) writes into `a`, whose shape `b` must
/// broadcast to.
///
/// Every element is one IEEE operation, so the result does not depend on the kernels that ran it: the C
/// kernels of ``EngineOptions/current`` (16 or 8 lanes) for operands of one shape or a scalar, the
/// strided loops of ``StridedKernels`` for broadcasts. Large tensors are split over the cores.
extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor { combine(a, b, .add) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { combine(a, b, .subtract) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { combine(a, b, .multiply) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { combine(a, b, .divide) }

    public static func += (a: inout Tensor, b: Tensor) { a.update(b, .add) }
    public static func -= (a: inout Tensor, b: Tensor) { a.update(b, .subtract) }
    public static func *= (a: inout Tensor, b: Tensor) { a.update(b, .multiply) }
    public static func /= (a: inout Tensor, b: Tensor) { a.update(b, .divide) }

    /// `c[i] = a[i] * s`.
    public static func * (a: Tensor, s: Float) -> Tensor {
        withUnsafePointer(to: s) { a.mapped($0, operandStep: 0, .multiply) }
    }

    /// `c[i] = s * a[i]`.
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }

    /// `c[i] = a[i] / s`.
    public static func / (a: Tensor, s: Float) -> Tensor {
        withUnsafePointer(to: s) { a.mapped($0, operandStep: 0, .divide) }
    }

    /// `a[i] = a[i] * s`.
    public static func *= (a: inout Tensor, s: Float) { a.updateWithScalar(s, .multiply) }

    /// `a[i] = a[i] + s`.
    public static func += (a: inout Tensor, s: Float) { a.updateWithScalar(s, .add) }

    /// `c = a op b` with broadcasting: one pass over gapless operands of one shape, strided otherwise.
    static func combine(_ a: Tensor, _ b: Tensor, _ operation: ElementwiseOperation) -> Tensor {
        if a.shape == b.shape {
            return b.scalars.withUnsafeBufferPointer { q in a.mapped(q.baseAddress, operandStep: 1, operation) }
        }
        guard let shape = StridedLayout.broadcastShape(a.shape, b.shape) else {
            preconditionFailure("operands could not be broadcast together with shapes \(a.shape) \(b.shape)")
        }
        return combineStrided(a.broadcast(to: shape), b.broadcast(to: shape), operation)
    }

    /// `c[i] = self[i] op operand[i * operandStep]` into a new tensor of this shape.
    func mapped(_ operand: UnsafePointer<Float>?, operandStep: Int, _ operation: ElementwiseOperation) -> Tensor {
        let kernels = KernelPath.current
        return uninitializedTensor(shape: shape) { out in
            guard let target = out.baseAddress, let operand else { return }
            scalars.withUnsafeBufferPointer { x in
                let source = x.baseAddress!
                ElementwiseOperation.split(count) { range in
                    operation.run(kernels, source + range.lowerBound, operand + range.lowerBound * operandStep,
                                  operandStep: operandStep, into: target + range.lowerBound, count: range.count)
                }
            }
        }
    }

    /// `self = self op b`, `b` broadcast to this tensor's shape.
    mutating func update(_ b: Tensor, _ operation: ElementwiseOperation) {
        guard b.shape == shape else {
            let operand = b.broadcast(to: shape)
            self = Tensor.combineStrided(view, operand, operation)
            return
        }
        guard count > 0 else { return }
        let kernels = KernelPath.current
        scalars.withUnsafeMutableBufferPointer { y in
            b.scalars.withUnsafeBufferPointer { x in
                let (target, operand) = (y.baseAddress!, x.baseAddress!)
                ElementwiseOperation.split(y.count) { range in
                    operation.run(kernels, target + range.lowerBound, operand + range.lowerBound, operandStep: 1,
                                  into: target + range.lowerBound, count: range.count)
                }
            }
        }
    }

    /// `self = self op s`.
    mutating func updateWithScalar(_ s: Float, _ operation: ElementwiseOperation) {
        guard count > 0 else { return }
        let kernels = KernelPath.current
        withUnsafePointer(to: s) { scalar in
            scalars.withUnsafeMutableBufferPointer { y in
                let target = y.baseAddress!
                ElementwiseOperation.split(y.count) { range in
                    operation.run(kernels, target + range.lowerBound, scalar, operandStep: 0, into: target + range.lowerBound,
                                  count: range.count)
                }
            }
        }
    }

    /// `a op b` element by element for two views of one shape, into a new gapless tensor.
    static func combineStrided(_ a: TensorView, _ b: TensorView, _ operation: ElementwiseOperation) -> Tensor {
        uninitializedTensor(shape: a.shape) { out in
            guard let target = out.baseAddress else { return }
            a.base.scalars.withUnsafeBufferPointer { p in
                b.base.scalars.withUnsafeBufferPointer { q in
                    let (x, y, out) = (p.baseAddress!, q.baseAddress!, StridedLayout.contiguous(a.shape))
                    // A literal closure per operation, so that the strided loop inlines it.
                    switch operation {
                    case .add: StridedKernels.zip(x, a.layout, y, b.layout, into: target, out, +)
                    case .subtract: StridedKernels.zip(x, a.layout, y, b.layout, into: target, out, -)
                    case .multiply: StridedKernels.zip(x, a.layout, y, b.layout, into: target, out, *)
                    case .divide: StridedKernels.zip(x, a.layout, y, b.layout, into: target, out, /)
                    }
                }
            }
        }
    }
}

/// The element-wise operations and the kernels that run them over gapless runs.
enum ElementwiseOperation {
    case add, subtract, multiply, divide

    /// `y[i] = a[i] op b[i * operandStep]` for `i < count` (`operandStep` 0: one scalar), `y` possibly `a`.
    func run(_ kernels: KernelPath, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, operandStep: Int,
             into y: UnsafeMutablePointer<Float>, count: Int) {
        #if arch(x86_64)
        let code: Int32
        switch self {
        case .add: code = Int32(TL_ELEMENTWISE_ADD)
        case .subtract: code = Int32(TL_ELEMENTWISE_SUBTRACT)
        case .multiply: code = Int32(TL_ELEMENTWISE_MULTIPLY)
        case .divide: code = Int32(TL_ELEMENTWISE_DIVIDE)
        }
        switch kernels {
        case .avx512: tl_elementwise_avx512(code, a, b, operandStep, y, count); return
        case .avx2: tl_elementwise_avx2(code, a, b, operandStep, y, count); return
        case .portable: break
        }
        #endif
        switch self {
        case .add: portableRun(a, b, operandStep, y, count, +, +)
        case .subtract: portableRun(a, b, operandStep, y, count, -, -)
        case .multiply: portableRun(a, b, operandStep, y, count, *, *)
        case .divide: portableRun(a, b, operandStep, y, count, /, /)
        }
    }

    /// The portable loop, eight lanes at a time (Swift's own loop stays 4-wide on the x86-64 baseline).
    @inline(__always)
    private func portableRun(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ step: Int, _ y: UnsafeMutablePointer<Float>,
                             _ n: Int, _ lanes: (SIMD8<Float>, SIMD8<Float>) -> SIMD8<Float>, _ one: (Float, Float) -> Float) {
        let whole = n / 8 * 8
        let (ap, bp, yp) = (UnsafeRawPointer(a), UnsafeRawPointer(b), UnsafeMutableRawPointer(y))
        let scalar = SIMD8<Float>(repeating: b[0])
        for offset in stride(from: 0, to: whole * 4, by: 32) {
            let x = ap.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            let z = step == 0 ? scalar : bp.loadUnaligned(fromByteOffset: offset, as: SIMD8<Float>.self)
            yp.storeBytes(of: lanes(x, z), toByteOffset: offset, as: SIMD8<Float>.self)
        }
        for i in whole..<n { y[i] = one(a[i], b[i * step]) }
    }

    /// Runs `body` over `0..<count` in pieces spread over the cores when the tensor is large enough to pay
    /// (a million floats of an early layer's activations), in one piece on this thread otherwise.
    static func split(_ count: Int, _ body: (Range<Int>) -> Void) {
        guard count >= 1 << 18 else { body(0..<count); return }
        let ranges = ParallelFor.ranges(count, parts: ParallelFor.workerCount * 4)
        ParallelFor.run(ranges.count) { body(ranges[$0]) }
    }
}
