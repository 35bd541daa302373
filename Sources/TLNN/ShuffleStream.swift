import TLTensor

/// The generator behind `fit`'s per-epoch shuffling, held by reference so that the epoch loop can save
/// its state at each epoch end and restore it on resume.
public final class ShuffleStream {
    public var generator: RandomGenerator

    public init(_ generator: RandomGenerator) { self.generator = generator }
}
