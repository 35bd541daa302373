import TLData
import XCTest

/// Draws compared with NumPy's legacy RandomState (values printed by numpy 2.x).
final class MersenneTwisterTests: XCTestCase {
    func testRawOutputMatchesMT19937() {
        // np.random.RandomState(5489).randint(0, 2**32, size=3, dtype=np.uint64)
        var random = MersenneTwister(seed: 5489)
        XCTAssertEqual([random.nextUInt32(), random.nextUInt32(), random.nextUInt32()], [3_499_211_612, 581_869_302, 3_890_346_734])
    }

    func testPermutationMatchesNumPy() {
        var random = MersenneTwister(seed: 42)
        XCTAssertEqual(random.permutation(10), [8, 1, 5, 0, 7, 2, 9, 4, 3, 6])  // np.random.seed(42); permutation(10)
        XCTAssertEqual(random.nextDouble(), 0.15599452033620265)  // the random_sample() that follows
        var other = MersenneTwister(seed: 123)
        XCTAssertEqual(other.permutation(7), [1, 3, 4, 0, 2, 5, 6])
        XCTAssertEqual(other.permutation(7), [4, 0, 6, 5, 2, 3, 1])
        var last = MersenneTwister(seed: UInt32.max)
        XCTAssertEqual(last.permutation(20), [11, 17, 19, 15, 1, 5, 8, 16, 13, 18, 14, 9, 10, 6, 0, 4, 7, 12, 2, 3])
    }

    func testRandomSampleMatchesNumPy() {
        var random = MersenneTwister(seed: 7)  // np.random.seed(7); random_sample() twice
        XCTAssertEqual(random.nextDouble(), 0.07630828937395717)
        XCTAssertEqual(random.nextDouble(), 0.7799187922401146)
    }
}
