import XCTest
@testable import TLBench
import TLTensor

/// The peak loop does the work it counts: its accumulators equal the recurrence's closed form.
final class FMAPeakTests: XCTestCase {
    /// `acc ← acc · m + c` from `a₀` is `L + (a₀ - L) · mⁿ` after n rounds, `L = c / (1 - m)`. Every lane of
    /// every chain is summed: a loop that skipped a round, a lane or a chain would be off by far more
    /// than float rounding (one round fewer changes the sum by about 4e-4 of it).
    func testEveryPathComputesTheRecurrenceOnEveryLaneAndChain() throws {
        let rounds = 200, start = 0.5, step = 0.01, m = 0.99, c = 0.01
        let limit = c / (1 - m)
        for path in KernelPath.available {
            let peak = try FMAPeak(path: path)
            let expected = Double(peak.lanes) * (0..<FMAPeak.chains).reduce(0.0) { sum, k in
                sum + limit + (start + Double(k) * step - limit) * pow(m, Double(rounds))
            }
            let sum = peak.run(rounds: rounds, start: Float(start), step: Float(step), multiplier: Float(m), addend: Float(c))
            XCTAssertEqual(sum, expected, accuracy: expected * 2e-5, "\(path)")
            XCTAssertEqual(peak.operations(rounds: rounds), 2 * Double(rounds * FMAPeak.chains * peak.lanes))
        }
    }

    func testLanesFollowThePathsRegisters() throws {
        XCTAssertEqual(try FMAPeak(path: .portable).lanes, 4)
        if KernelPath.avx2.isAvailable { XCTAssertEqual(try FMAPeak(path: .avx2).lanes, 8) }
        if KernelPath.avx512.isAvailable { XCTAssertEqual(try FMAPeak(path: .avx512).lanes, 16) }
    }

    /// A short measurement is a positive rate, and two cores do more than one (where there are two).
    func testMeasuresAPositiveRate() throws {
        let peak = try FMAPeak(path: KernelPath.best)
        let one = peak.gigaflopsPerSecond(threads: 1, seconds: 0.02, repeats: 2)
        XCTAssertGreaterThan(one, 0)
    }
}
