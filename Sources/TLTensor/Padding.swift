/// Keras/TensorFlow padding modes for convolutions and pooling.
public enum Padding: String, Sendable {
    /// No padding: windows lie wholly inside the input.
    case valid
    /// TensorFlow's SAME rule: `out = ceil(in / stride)`, total padding
    /// `max((out - 1) * stride + window - in, 0)`, the smaller half before, the larger after.
    case same

    /// Output length and leading padding along one axis.
    public func geometry(input: Int, window: Int, stride: Int, dilation: Int = 1) -> (output: Int, padBefore: Int) {
        let effective = (window - 1) * dilation + 1
        switch self {
        case .valid:
            return (max(0, (input - effective) / stride + 1), 0)
        case .same:
            let out = (input + stride - 1) / stride
            let total = max((out - 1) * stride + effective - input, 0)
            return (out, total / 2)
        }
    }
}

extension Padding {
    /// Output height and width of a window sliding over images whose size may be unknown (`nil`).
    public func spatialOutput(height: Int?, width: Int?, window: (Int, Int), strides: (Int, Int)) -> (Int?, Int?) {
        (height.map { geometry(input: $0, window: window.0, stride: strides.0).output },
         width.map { geometry(input: $0, window: window.1, stride: strides.1).output })
    }
}
