/// NumPy 2's `repr` and `str` of arrays and scalars, with its default print options: precision 8,
/// `floatmode='maxprec'`, line width 75, summaries (`...`, three edge items) above 1000 elements.
extension NDArray {
    /// `repr(a)`: `array([[0., 1.],\n       [2., 3.]], dtype=float32)`.
    public var repr: String {
        let prefix = "array("
        let body = ArrayPrinter(array: self, separator: ", ", lineWidth: 75 - 1).render(prefix: prefix)
        var extras: [String] = []
        if (size == 0 && shape != [0]) || size > ArrayPrinter.threshold { extras.append("shape=\(shapeDescription(shape))") }
        // NumPy names every dtype but the defaults (float64, int64, bool) of non-empty arrays.
        if ![.float64, .int64, .bool].contains(dtype) || size == 0 { extras.append("dtype=\(dtype.rawValue)") }
        if extras.isEmpty { return prefix + body + ")" }
        let text = prefix + body + ","
        let extra = extras.joined(separator: ", ") + ")"
        let lastLine = text.count - ((text.lastIndex(of: "\n").map { text.distance(from: text.startIndex, to: $0) }) ?? -1) - 1
        let spacer = lastLine + extra.count + 1 > 75 ? "\n" + String(repeating: " ", count: prefix.count) : " "
        return text + spacer + extra
    }

    /// `str(a)` (what `print` shows): `[[0. 1.]\n [2. 3.]]`; a 0-d array prints as its scalar.
    public var str: String {
        if ndim == 0, let number = scalar { return NDArray.scalarText(number, dtype: dtype) }
        return ArrayPrinter(array: self, separator: " ", lineWidth: 75).render(prefix: "")
    }

    /// `str` of a NumPy scalar: Python's spelling of the number (`0.5`, `3`, `True`).
    public static func scalarText(_ number: PythonNumber, dtype: DType) -> String {
        switch number {
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .float(let d): return pythonFloatText(d, float32: dtype == .float32)
        }
    }

    /// `repr` of a NumPy scalar: `np.float64(0.5)`, `np.int64(3)`, `np.True_`.
    public static func scalarRepr(_ number: PythonNumber, dtype: DType) -> String {
        if case .bool(let b) = number { return b ? "np.True_" : "np.False_" }
        return "np.\(dtype.rawValue)(\(scalarText(number, dtype: dtype)))"
    }
}

/// `array2string` and `_formatArray`: elements formatted by one function fitted to the shown data,
/// rows wrapped at the line width, nested brackets aligned under the prefix.
struct ArrayPrinter {
    static let threshold = 1000
    static let edgeItems = 3
    let array: NDArray
    let separator: String
    let lineWidth: Int
    let summarize: Bool

    init(array: NDArray, separator: String, lineWidth: Int) {
        self.array = array
        self.separator = separator
        self.lineWidth = lineWidth
        summarize = array.size > ArrayPrinter.threshold
    }

    /// The positions shown along `axis`: all, or the first and last three when summarising.
    func shownIndices(_ axis: Int) -> [Int] {
        let n = array.shape[axis]
        if summarize && n > 2 * ArrayPrinter.edgeItems { return Array(0..<ArrayPrinter.edgeItems) + Array((n - ArrayPrinter.edgeItems)..<n) }
        return Array(0..<n)
    }

    /// The storage offsets of every shown element.
    func shownOffsets() -> [Int] {
        var offsets = [array.layout.offset]
        for axis in 0..<array.ndim {
            let stride = array.strides[axis]
            offsets = offsets.flatMap { base in shownIndices(axis).map { base + $0 * stride } }
        }
        return offsets
    }

    func render(prefix: String) -> String {
        if array.size == 0 && array.ndim > 0 { return "[]" }   // any empty array, whatever its shape
        let format = ElementFormat(array: array, offsets: shownOffsets())
        if array.ndim == 0 { return format.text(at: array.layout.offset) }
        let hanging = " " + String(repeating: " ", count: prefix.count)
        return recurse(axis: 0, offset: array.layout.offset, hangingIndent: hanging, width: lineWidth, format: format)
    }

    private func recurse(axis: Int, offset: Int, hangingIndent: String, width: Int, format: ElementFormat) -> String {
        if axis == array.ndim { return format.text(at: offset) }
        let nextIndent = hangingIndent + " ", nextWidth = width - 1
        let n = array.shape[axis], stride = array.strides[axis]
        let showSummary = summarize && 2 * ArrayPrinter.edgeItems < n
        let leading = showSummary ? Array(0..<ArrayPrinter.edgeItems) : []
        let trailing = showSummary ? Array((n - ArrayPrinter.edgeItems)..<n) : Array(0..<n)
        var s = ""
        if axis == array.ndim - 1 {
            let elementWidth = width - max(separator.trimmingTrailingSpaces.count, 1)
            var line = hangingIndent
            for i in leading {
                extend(&s, &line, format.text(at: offset + i * stride), elementWidth, hangingIndent)
                line += separator
            }
            if showSummary {
                extend(&s, &line, "...", elementWidth, hangingIndent)
                line += separator
            }
            for i in trailing.dropLast() {
                extend(&s, &line, format.text(at: offset + i * stride), elementWidth, hangingIndent)
                line += separator
            }
            if let last = trailing.last { extend(&s, &line, format.text(at: offset + last * stride), elementWidth, hangingIndent) }
            s += line
        } else {
            let lineSeparator = separator.trimmingTrailingSpaces + String(repeating: "\n", count: array.ndim - axis - 1)
            for i in leading {
                s += hangingIndent + recurse(axis: axis + 1, offset: offset + i * stride, hangingIndent: nextIndent, width: nextWidth, format: format) + lineSeparator
            }
            if showSummary { s += hangingIndent + "..." + lineSeparator }
            for i in trailing.dropLast() {
                s += hangingIndent + recurse(axis: axis + 1, offset: offset + i * stride, hangingIndent: nextIndent, width: nextWidth, format: format) + lineSeparator
            }
            if let last = trailing.last {
                s += hangingIndent + recurse(axis: axis + 1, offset: offset + last * stride, hangingIndent: nextIndent, width: nextWidth, format: format)
            }
        }
        return "[" + s.dropFirst(hangingIndent.count) + "]"
    }

    /// `_extendLine`: starts a new line when the word would pass the width (unless the line is empty).
    private func extend(_ s: inout String, _ line: inout String, _ word: String, _ width: Int, _ indent: String) {
        if line.count + word.count > width && line.count > indent.count {
            s += line.trimmingTrailingSpaces + "\n"
            line = indent
        }
        line += word
    }
}

extension StringProtocol {
    var trimmingTrailingSpaces: String {
        var text = String(self)
        while text.last == " " { text.removeLast() }
        return text
    }
}

/// The per-dtype element formatter NumPy fits to the data it shows (`FloatingFormat`,
/// `IntegerFormat`, `BoolFormat`).
struct ElementFormat {
    let array: NDArray
    private var floatFormat: Dragon4?
    private var exponential = false
    private var integerWidth = 0
    private var trueText = " True"

    init(array: NDArray, offsets: [Int]) {
        self.array = array
        switch array.dtype {
        case .float32, .float64: fitFloats(offsets.map { array.doubleElement(at: $0) })
        case .uint8, .int32, .int64:
            let values = offsets.map { array.integerElement(at: $0) }
            integerWidth = max(String(values.max() ?? 0).count, String(values.min() ?? 0).count)
        case .bool: trueText = array.ndim == 0 ? "True" : " True"
        }
    }

    /// `FloatingFormat.fillFormat`: scientific when the largest magnitude reaches 10^min(8, precision)
    /// (1e6 for float32, 1e8 for float64), the smallest is below 1e-4 or they span more than 1000x; then
    /// the widths of the integer and fraction parts over all shown values.
    private mutating func fitFloats(_ values: [Double]) {
        let float32 = array.dtype == .float32
        let finite = values.filter(\.isFinite)
        let magnitudes = finite.filter { $0 != 0 }.map(Swift.abs)
        if let largest = magnitudes.max(), let smallest = magnitudes.min() {
            let ratio = float32 ? Double(Float(largest) / Float(smallest)) : largest / smallest
            exponential = largest >= (float32 ? 1e6 : 1e8) || smallest < 0.0001 || ratio > 1000
        }
        var format = Dragon4(float32: float32)
        if finite.isEmpty {
            format.padLeft = 0
            format.padRight = 0
        } else if exponential {
            let texts = finite.map { format.scientific($0) }
            let mantissas = texts.map { $0.split(separator: "e")[0] }
            format.exponentDigits = texts.map { $0.split(separator: "e")[1].count - 1 }.max()!
            format.precision = mantissas.map { $0.split(separator: ".", omittingEmptySubsequences: false)[1].count }.max()!
            format.minDigits = format.precision
            format.padLeft = mantissas.map { $0.split(separator: ".", omittingEmptySubsequences: false)[0].count }.max()!
            format.padRight = format.exponentDigits + 2 + format.precision
        } else {
            let texts = finite.map { format.positional($0) }
            let parts = texts.map { $0.split(separator: ".", omittingEmptySubsequences: false) }
            format.padLeft = parts.map { $0[0].count }.max()!
            format.padRight = parts.map { $0[1].count }.max()!
        }
        if finite.count != values.count {
            let negativeInfinity = values.contains { $0.isInfinite && $0 < 0 } ? 1 : 0
            let offset = format.padRight + 1
            format.padLeft = max(format.padLeft, 3 - offset, 3 + negativeInfinity - offset)
        }
        floatFormat = format
    }

    func text(at offset: Int) -> String {
        switch array.dtype {
        case .float32, .float64:
            let value = array.doubleElement(at: offset)
            let format = floatFormat!
            if !value.isFinite {
                let word = value.isNaN ? "nan" : (value < 0 ? "-inf" : "inf")
                return String(repeating: " ", count: max(0, format.padLeft + format.padRight + 1 - word.count)) + word
            }
            return exponential ? format.scientific(value) : format.positional(value)
        case .uint8, .int32, .int64:
            let text = String(array.integerElement(at: offset))
            return String(repeating: " ", count: max(0, integerWidth - text.count)) + text
        case .bool:
            return array.storage.bool[offset] ? trueText : "False"
        }
    }
}

extension NDArray {
    /// The float element at a storage offset, as a Double (float32 converts exactly).
    func doubleElement(at offset: Int) -> Double {
        dtype == .float32 ? Double(storage.float32[offset]) : storage.float64[offset]
    }

    /// The integer element at a storage offset, as an Int64.
    func integerElement(at offset: Int) -> Int64 {
        switch dtype {
        case .uint8: return Int64(storage.uint8[offset])
        case .int32: return Int64(storage.int32[offset])
        default: return storage.int64[offset]
        }
    }
}
