/// An error from an array operation, worded as NumPy words it, with the Python exception it stands for.
public struct ArrayError: Error, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable {
        /// IndexError: an index out of bounds, too many indices, a mask of the wrong length.
        case index
        /// ValueError: shapes that do not broadcast, a bad reshape, an empty reduction.
        case value
        /// TypeError: an operation the dtype does not have (`-` on bools), a bad argument.
        case type
        /// MemoryError: an array larger than the machine's memory.
        case memory
        /// OverflowError: a Python integer that the array's integer dtype cannot hold.
        case overflow
        /// A NumPy feature tl does not have; the message names it.
        case notSupported
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func broadcast(_ shapes: [[Int]]) -> ArrayError {
        ArrayError(.value, "operands could not be broadcast together with shapes " + shapes.map(compactShape).joined(separator: " ") + " ")
    }
}

/// `(2,3)`: NumPy's spelling of shapes inside broadcast errors (no spaces).
public func compactShape(_ shape: [Int]) -> String {
    "(" + shape.map(String.init).joined(separator: ",") + (shape.count == 1 ? ",)" : ")")
}

/// `(2, 3)`: a shape as Python prints a tuple.
public func shapeDescription(_ shape: [Int]) -> String {
    "(" + shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
}
