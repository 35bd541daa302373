import Foundation

/// A small, fast, seedable pseudo-random generator (SplitMix64). The same seed gives the same stream on
/// every machine, which is what `set_seed` promises.
public struct RandomGenerator: RandomNumberGenerator, Sendable {
    /// SplitMix64's whole state: `RandomGenerator(seed: g.state)` continues exactly the stream `g` would
    /// draw next, which is what training checkpoints save and restore.
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 bits of precision.
    public mutating func nextUnitFloat() -> Float { Float(next() >> 40) / Float(1 << 24) }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Float, _ high: Float) -> Float { low + (high - low) * nextUnitFloat() }

    /// A generator for a sub-stream, so that consumers draw independent, reproducible sequences.
    public mutating func split() -> RandomGenerator { RandomGenerator(seed: next()) }
}

/// The process-wide generator behind weight initialisation, dropout masks and shuffling; `set_seed` reseeds it.
public enum GlobalRandom {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var generator = RandomGenerator(seed: 0x5EED)

    public static func seed(_ value: UInt64) {
        lock.lock(); defer { lock.unlock() }
        generator = RandomGenerator(seed: value)
    }

    /// A fresh generator drawn from the global stream.
    public static func makeGenerator() -> RandomGenerator {
        lock.lock(); defer { lock.unlock() }
        return generator.split()
    }
}
