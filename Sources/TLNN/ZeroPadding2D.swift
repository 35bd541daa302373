import TLTensor

/// Zeros added around NHWC images (Keras `ZeroPadding2D(padding=((top, bottom), (left, right)))`):
/// `y[n, i + top, j + left, c] = x[n, i, j, c]`, every other value 0. Its gradient is the inner
/// window of the output gradient: `dL/dx[n, i, j, c] = dL/dy[n, i + top, j + left, c]`.
public final class ZeroPadding2D: Layer {
    public var name: String
    public let typeName = "ZeroPadding2D"
    public var trainable = true
    public let weights: [Parameter] = []
    public let top: Int, bottom: Int, left: Int, right: Int
    private var cachedInputShape: [Int]?

    /// Keras's three spellings: one number (all sides), `(rows, cols)`, or `((top, bottom), (left, right))`.
    public init(top: Int, bottom: Int, left: Int, right: Int, name: String? = nil) {
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
        self.name = name ?? LayerNames.next("zero_padding2d")
    }

    public convenience init(_ both: (Int, Int), name: String? = nil) {
        self.init(top: both.0, bottom: both.0, left: both.1, right: both.1, name: name)
    }

    public func outputShape(for inputShape: FeatureShape) throws -> FeatureShape {
        try requireImageShape(inputShape)
        return [inputShape[0].map { $0 + top + bottom }, inputShape[1].map { $0 + left + right }, inputShape[2]]
    }

    public func forward(_ x: Tensor, mode: ForwardMode) throws -> Tensor {
        try requireRank(x, 4, self)
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var y = Tensor(shape: [n, h + top + bottom, w + left + right, c])
        y[ranges: 0..<n, top..<(top + h), left..<(left + w)] = x.view
        if mode.keepForBackward { cachedInputShape = x.shape }
        return y
    }

    public func backward(_ outputGradient: Tensor, needsInputGradient: Bool) throws -> Tensor? {
        guard needsInputGradient else { return nil }
        let shape = try kept(cachedInputShape)
        let (n, h, w) = (shape[0], shape[1], shape[2])
        return outputGradient[ranges: 0..<n, top..<(top + h), left..<(left + w)].copy()
    }

    public func clearCache() { cachedInputShape = nil }
}

extension ZeroPadding2D: KerasConfigurable {
    public var kerasConfig: KerasConfig { ["padding": [.pair((top, bottom)), .pair((left, right))]] }
    public convenience init(kerasConfig config: LayerConfiguration) throws {
        guard let sides = config["padding"]?.arrayValue?.compactMap(\.intArray), sides.count == 2,
              sides.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0 >= 0 } }) else {
            throw ModelError("'\(config.source)': 'padding' of layer '\(config.name)' (ZeroPadding2D) must be ((top, bottom), (left, right)), got \(config["padding"].map { "\($0)" } ?? "nothing")")
        }
        self.init(top: sides[0][0], bottom: sides[0][1], left: sides[1][0], right: sides[1][1], name: config.name)
    }
}
