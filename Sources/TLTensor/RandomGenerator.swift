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

/// A seedable stream of generators, owned by whoever defines a run: a tl session owns one, `set_seed`
/// restarts it, and every consumer (weight initialisation, dropout masks, shuffling, the flows' seeds)
/// splits a generator of its own off it, so a run's draws depend only on its seed and the order of its
/// statements. Thread-safe: flows and layers may draw from worker threads.
public final class RandomSource: @unchecked Sendable {
    /// The seed a source starts from before any `set_seed`.
    public static let defaultSeed: UInt64 = 0x5EED

    private let lock = NSLock()
    private var generator: RandomGenerator

    public init(seed: UInt64 = RandomSource.defaultSeed) { generator = RandomGenerator(seed: seed) }

    /// Restarts the stream: the generators split off afterwards are those a fresh `RandomSource(seed:)` gives.
    public func seed(_ value: UInt64) {
        lock.lock(); defer { lock.unlock() }
        generator = RandomGenerator(seed: value)
    }

    /// A fresh generator split off the stream.
    public func makeGenerator() -> RandomGenerator {
        lock.lock(); defer { lock.unlock() }
        return generator.split()
    }

    /// The source in effect: the one bound by ``with(_:_:)`` around the current call (a session binds its
    /// own around every command it runs), else a source private to the process for code run outside a
    /// session (unit tests, benchmarks).
    public static var current: RandomSource { bound ?? processDefault }

    @TaskLocal private static var bound: RandomSource?
    private static let processDefault = RandomSource()

    /// Runs `body` with `source` as ``current`` (on this thread and in tasks it starts).
    public static func with<R>(_ source: RandomSource, _ body: () throws -> R) rethrows -> R {
        try $bound.withValue(source, operation: body)
    }
}
