/// MT19937 with NumPy's legacy `np.random` (RandomState) seeding and draws, so that a seeded
/// `DirectoryIterator` shuffles in exactly the order Keras does with the same seed.
///
/// Keras calls `np.random.seed(seed + total_batches_seen)` before each batch and draws its epoch
/// permutation with `np.random.permutation(n)`; this type reproduces both.
public struct MersenneTwister: RandomNumberGenerator, Sendable {
    private static let stateCount = 624
    private static let shift = 397
    private var state = [UInt32](repeating: 0, count: 624)
    private var position = 624

    /// `np.random.seed(seed)`: Knuth's linear initialisation of the 624 state words.
    public init(seed: UInt32) {
        var value = seed
        for i in 0..<Self.stateCount {
            state[i] = value
            value = 1_812_433_253 &* (value ^ (value >> 30)) &+ UInt32(i + 1)
        }
    }

    /// The next 32 tempered bits.
    public mutating func nextUInt32() -> UInt32 {
        if position >= Self.stateCount { regenerate() }
        var y = state[position]
        position += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    public mutating func next() -> UInt64 {
        UInt64(nextUInt32()) << 32 | UInt64(nextUInt32())
    }

    /// `np.random.random_sample()`: a double in [0, 1) from 53 bits, (a >> 5) * 2^26 + (b >> 6) over 2^53.
    public mutating func nextDouble() -> Double {
        let a = Double(nextUInt32() >> 5), b = Double(nextUInt32() >> 6)
        return (a * 67_108_864.0 + b) / 9_007_199_254_740_992.0
    }

    /// `np.random.uniform(low, high)`: low + (high - low) * random_sample().
    public mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * nextDouble()
    }

    /// A uniform integer in 0...max by NumPy's masked rejection (`random_interval`).
    public mutating func randomInterval(_ max: Int) -> Int {
        if max <= 0 { return 0 }
        var mask = UInt64(max)
        mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4
        mask |= mask >> 8; mask |= mask >> 16; mask |= mask >> 32
        if max <= Int(UInt32.max) {
            while true {
                let value = UInt64(nextUInt32()) & mask
                if value <= UInt64(max) { return Int(value) }
            }
        }
        while true {
            let value = next() & mask
            if value <= UInt64(max) { return Int(value) }
        }
    }

    /// `np.random.permutation(n)`: Fisher-Yates from the last element down, j = random_interval(i).
    public mutating func permutation(_ n: Int) -> [Int] {
        var values = Array(0..<max(n, 0))
        var i = values.count - 1
        while i >= 1 {
            let j = randomInterval(i)
            values.swapAt(i, j)
            i -= 1
        }
        return values
    }

    private mutating func regenerate() {
        let n = Self.stateCount, m = Self.shift
        for i in 0..<n {
            let y = (state[i] & 0x8000_0000) | (state[(i + 1) % n] & 0x7FFF_FFFF)
            var value = state[(i + m) % n] ^ (y >> 1)
            if y & 1 != 0 { value ^= 0x9908_B0DF }
            state[i] = value
        }
        position = 0
    }
}
