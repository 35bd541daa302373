/// An engine object exposed to scripts: a model, a layer, a data generator, a training history.
///
/// Only `typeName`, `attribute` and `summaryDescription` are required. `obj.name(args)` first asks
/// `attribute("name")`; when that is nil the interpreter calls the registered command `name` with the
/// object as first argument, so engine behaviour lives in commands and objects stay small.
public protocol HostObject: AnyObject {
    /// The type shown in messages, e.g. "Sequential" or "DirectoryIterator".
    var typeName: String { get }
    /// The value of `obj.name`, or nil when the object has no such attribute.
    func attribute(_ name: String) throws -> Value?
    /// Handles `obj.name = value`; returns false when the object has no settable attribute `name`.
    func setAttribute(_ name: String, _ value: Value) throws -> Bool
    /// One line for the REPL echo and `vars()`, e.g. "Sequential: 4 layers, 16,812,353 parameters".
    var summaryDescription: String { get }
    /// Attribute names offered by tab completion and listed in error messages.
    var attributeNames: [String] { get }
    /// `len(obj)`, or nil when the object has no length.
    var count: Int? { get }
    /// `obj[index]`, or nil when the object cannot be indexed.
    func element(at index: Value) throws -> Value?
    /// The values a `for` loop visits, or nil when the object is not iterable.
    func elements() throws -> [Value]?
}

extension HostObject {
    public func setAttribute(_ name: String, _ value: Value) throws -> Bool { false }
    public var summaryDescription: String { "<\(typeName)>" }
    public var attributeNames: [String] { [] }
    public var count: Int? { nil }
    public func element(at index: Value) throws -> Value? { nil }
    public func elements() throws -> [Value]? {
        guard let count else { return nil }
        return try (0..<count).map { try element(at: .int($0)) ?? .none }
    }
}
