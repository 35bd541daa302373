/// A model, weights or checkpoint file that cannot be saved or loaded, with what to do about it.
public struct SavingError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
