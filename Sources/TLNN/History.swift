/// What `fit` returns: per-epoch means of the loss and metrics, as Keras's `History.history`.
public final class History {
    /// Metric names in the order they were first recorded: `loss`, `acc`, `val_loss`, `val_acc`.
    public private(set) var keys: [String] = []
    private var values: [String: [Double]] = [:]
    /// Epoch numbers completed (0-based, as Keras's `history.epoch`).
    public private(set) var epochs: [Int] = []
    /// Why training ended early, if it did (interruption, a non-finite loss).
    public var stopReason: String?

    public init() {}

    public subscript(key: String) -> [Double]? { values[key] }

    /// Records one finished epoch.
    public func record(epoch: Int, _ metrics: [(String, Double)]) {
        epochs.append(epoch)
        for (key, value) in metrics {
            if values[key] == nil { keys.append(key) }
            values[key, default: []].append(value)
        }
    }

    /// The history as ordered (name, values) pairs.
    public var entries: [(String, [Double])] { keys.map { ($0, values[$0]!) } }
}
