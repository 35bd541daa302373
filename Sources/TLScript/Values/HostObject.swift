/// An engine object exposed to scripts: a model, a layer, a data generator, a training history, an
/// array.
///
/// Only `typeName` and `attribute` are required. `obj.name(args)` first asks `attribute("name")`; when
/// that is nil the interpreter calls the registered command `name` with the object as first argument,
/// so engine behaviour lives in commands and objects stay small.
///
/// Objects that behave like values (NumPy arrays and scalars) or streams (flows) answer the operator,
/// conversion and iteration hooks below. Every hook answers nil (or false) when the object does not
/// support it; the interpreter then falls back to Python's default or raises Python's TypeError.
public protocol HostObject: AnyObject {
    /// The type shown in messages, e.g. "Sequential" or "DirectoryIterator".
    var typeName: String { get }
    /// The value of `obj.name`, or nil when the object has no such attribute.
    func attribute(_ name: String) throws -> Value?
    /// Handles `obj.name = value`; returns false when the object has no settable attribute `name`.
    func setAttribute(_ name: String, _ value: Value) throws -> Bool
    /// Python's `repr`: the REPL echo and `vars()`, e.g. "Sequential: 4 layers, 16,812,353 parameters"
    /// or NumPy's `array([0., 1.], dtype=float32)`.
    var summaryDescription: String { get }
    /// Python's `str` (what `print` shows), when it differs from `summaryDescription` (NumPy's `[0. 1.]`).
    var printDescription: String? { get }
    /// Attribute names offered by tab completion and listed in error messages.
    var attributeNames: [String] { get }
    /// `len(obj)`, or nil when the object has no length.
    var count: Int? { get }
    /// `obj[index]`, or nil when the object cannot be indexed. `index` is an int, a `.slice`, `.ellipsis`,
    /// `.none` (a new axis), a list or object (fancy indexing), or a `.tuple` of these (`a[1:, 0]`).
    func element(at index: Value) throws -> Value?
    /// `obj[index] = value`, with `index` as for `element(at:)`; false when the object does not support it.
    func setElement(at index: Value, to value: Value) throws -> Bool
    /// The values a `for` loop visits, or nil when the object is not iterable. Finite objects only;
    /// endless ones (flows) answer `makeIterator` instead.
    func elements() throws -> [Value]?
    /// A lazy iterator for `for`, `list()`, unpacking and `next()`; flows never end (`break` ends the loop).
    /// `next(obj)` asks for a fresh iterator each time and takes one item, so a stream (a flow) should
    /// continue where it was rather than start over. The default walks `elements()`.
    func makeIterator() throws -> ValueIterator?
    /// `self op other`, or `other op self` when `reflected` (the left operand did not handle it). `op` is
    /// one of `+ - * / // % ** @ & | ^ << >>` or a comparison `< <= > >= == !=`. Nil: not supported.
    func binaryOperation(_ op: String, _ other: Value, reflected: Bool) throws -> Value?
    /// `self op= other` changing the object in place (`op` without the `=`); false when the object has no
    /// in-place form, and the interpreter then rebinds the target to `self op other`.
    func inPlaceOperation(_ op: String, _ other: Value) throws -> Bool
    /// `-self`, `+self`, `~self` (`op` is "-", "+" or "~"); nil: not supported.
    func unaryOperation(_ op: String) throws -> Value?
    /// `bool(self)` / `if self:`; nil: Python's default (false when `count` is 0, else true).
    func truthValue() throws -> Bool?
    /// The Python number the object stands for (`.int`, `.float` or `.bool`), for `float(x)`, `int(x)`,
    /// `round(x)`, format specs and use as an index; nil when it is not a scalar (NumPy scalars and
    /// one-element arrays are).
    func scalarValue() throws -> Value?
    /// `format(self, spec)` / `f"{self:spec}"` when the object formats itself; nil: the interpreter formats
    /// `scalarValue()` with the spec, or `str(self)` when the spec is empty.
    func formatted(spec: String) throws -> String?
    /// `item in self`; nil: Python's default (iterate and compare).
    func containsElement(_ item: Value) throws -> Bool?
}

/// A lazy sequence of values: `next()` answers nil at the end.
public struct ValueIterator {
    public let next: () throws -> Value?
    public init(next: @escaping () throws -> Value?) { self.next = next }
}

extension HostObject {
    public func setAttribute(_ name: String, _ value: Value) throws -> Bool { false }
    public var summaryDescription: String { "<\(typeName)>" }
    public var printDescription: String? { nil }
    public var attributeNames: [String] { [] }
    public var count: Int? { nil }
    public func element(at index: Value) throws -> Value? { nil }
    public func setElement(at index: Value, to value: Value) throws -> Bool { false }
    public func elements() throws -> [Value]? {
        guard let count else { return nil }
        return try (0..<count).map { try element(at: .int($0)) ?? .none }
    }
    public func makeIterator() throws -> ValueIterator? {
        guard let items = try elements() else { return nil }
        var position = 0
        return ValueIterator {
            guard position < items.count else { return nil }
            defer { position += 1 }
            return items[position]
        }
    }
    public func binaryOperation(_ op: String, _ other: Value, reflected: Bool) throws -> Value? { nil }
    public func inPlaceOperation(_ op: String, _ other: Value) throws -> Bool { false }
    public func unaryOperation(_ op: String) throws -> Value? { nil }
    public func truthValue() throws -> Bool? { nil }
    public func scalarValue() throws -> Value? { nil }
    public func formatted(spec: String) throws -> String? { nil }
    public func containsElement(_ item: Value) throws -> Bool? { nil }
}
