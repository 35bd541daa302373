/// How `DirectoryIterator` labels a batch (Keras `class_mode`).
public enum ClassMode: String, CaseIterable, Sendable {
    /// [n] floats, the class index (0 or 1 with two classes).
    case binary
    /// [n, K] one-hot rows.
    case categorical
    /// [n] floats, the class index.
    case sparse
    /// No labels (Keras `class_mode=None`).
    case none
    /// The images themselves (autoencoders).
    case input

    /// Keras's spelling: "binary", "categorical", "sparse", "input", or "none"/"None" for no labels.
    public init(kerasName name: String) throws {
        guard let mode = ClassMode(rawValue: name.lowercased()) else {
            throw DirectoryIteratorError.unknownClassMode(name)
        }
        self = mode
    }
}

/// What to do with a listed file that cannot be decoded.
public enum BadImagePolicy: Sendable {
    /// Stop: `next()` throws an error naming the file (Keras behaviour).
    case error
    /// Leave the file out of its batch (which is then smaller) and record a warning naming it.
    case skip
}
