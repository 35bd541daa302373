import XCTest
@testable import TLArray

/// `np.random.normal`, `uniform` and `choice` do not reproduce NumPy's streams, so their draws are checked
/// against the distributions they promise: moments within a few standard errors, supports, and the
/// without-replacement and probability rules.
final class ArrayRandomTests: XCTestCase {
    func testNormalHasTheAskedMeanAndDeviation() throws {
        let random = ArrayRandom(seed: 7)
        let values = try random.normal(mean: 3, deviation: 2, shape: [20000]).values(as: Double.self)
        let mean = values.reduce(0, +) / Double(values.count)
        let deviation = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
        XCTAssertEqual(mean, 3, accuracy: 4 * 2 / Double(values.count).squareRoot())   // 4 standard errors
        XCTAssertEqual(deviation, 2, accuracy: 0.05)
        XCTAssertThrowsError(try random.normal(mean: 0, deviation: -1, shape: [1]))
    }

    func testUniformStaysInItsInterval() throws {
        let values = try ArrayRandom(seed: 8).uniform(low: -2, high: 5, shape: [20000]).values(as: Double.self)
        XCTAssertTrue(values.allSatisfy { $0 >= -2 && $0 < 5 })
        XCTAssertEqual(values.reduce(0, +) / Double(values.count), 1.5, accuracy: 4 * 7 / 12.0.squareRoot() / Double(values.count).squareRoot())
        XCTAssertLessThan(values.min()!, -1.99)
        XCTAssertGreaterThan(values.max()!, 4.99)
    }

    func testChoiceFollowsReplacementAndProbabilities() throws {
        let random = ArrayRandom(seed: 9)
        let distinct = try random.choice(population: 10, count: 10, replace: false, probabilities: nil)
        XCTAssertEqual(distinct.sorted(), Array(0..<10))
        XCTAssertThrowsError(try random.choice(population: 3, count: 4, replace: false, probabilities: nil))
        let weighted = try random.choice(population: 3, count: 30000, replace: true, probabilities: [0.2, 0, 0.8])
        let share = Double(weighted.filter { $0 == 2 }.count) / 30000
        XCTAssertFalse(weighted.contains(1), "a class of probability 0 is never drawn")
        XCTAssertEqual(share, 0.8, accuracy: 4 * (0.8 * 0.2 / 30000).squareRoot())
        XCTAssertThrowsError(try random.choice(population: 2, count: 1, replace: true, probabilities: [0.5, 0.6]))
        XCTAssertThrowsError(try random.choice(population: 2, count: 1, replace: true, probabilities: [1]))
        let uniform = try random.choice(population: 4, count: 40000, replace: true, probabilities: nil)
        for k in 0..<4 {
            XCTAssertEqual(Double(uniform.filter { $0 == k }.count) / 40000, 0.25, accuracy: 4 * (0.25 * 0.75 / 40000).squareRoot())
        }
    }
}
