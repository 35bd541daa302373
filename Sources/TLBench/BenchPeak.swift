import ArgumentParser
import CFMAPeak
import Dispatch
import Foundation
import TLTensor

/// The machine's limit as a kernel path sees it: the floating-point operations per second of a loop of
/// independent multiply-adds on the path's registers (AVX-512: 16 floats, AVX2+FMA: 8, portable: 4), run
/// on several cores at once. One round is `chains` multiply-adds of `lanes` floats, `2 · chains · lanes`
/// operations; a core that retires two FMAs of 8 floats a cycle at 2.45 GHz does 78.4 GFLOP/s.
struct FMAPeak: Sendable {
    /// Independent accumulators of the loop (see CFMAPeak.h).
    static let chains = Int(TL_FMA_PEAK_CHAINS)

    let path: KernelPath

    /// Floats in one register of the path.
    var lanes: Int {
        switch path {
        case .avx512: return Int(TL_FMA_PEAK_LANES_AVX512)
        case .avx2: return Int(TL_FMA_PEAK_LANES_AVX2)
        case .portable: return Int(TL_FMA_PEAK_LANES_PORTABLE)
        }
    }

    /// A path this processor lacks is refused: its instructions would fault.
    init(path: KernelPath) throws {
        guard path.isAvailable else { throw ValidationError("this processor cannot run the \(path) path") }
        self.path = path
    }

    /// Floating-point operations of `rounds` rounds on one core.
    func operations(rounds: Int) -> Double { 2 * Double(rounds) * Double(Self.chains * lanes) }

    /// Runs `rounds` rounds of `acc = acc · multiplier + addend` on the calling thread, accumulator k
    /// starting at `start + k · step`; returns the sum of every lane of every accumulator. The defaults
    /// converge to `addend / (1 - multiplier) = 1`, so no value overflows or turns subnormal (slow).
    @discardableResult
    func run(rounds: Int, start: Float = 0.5, step: Float = 0.01, multiplier: Float = 0.99, addend: Float = 0.01) -> Double {
        switch path {
        case .avx512: return tl_fma_peak_avx512(rounds, start, step, multiplier, addend)
        case .avx2: return tl_fma_peak_avx2(rounds, start, step, multiplier, addend)
        case .portable: return tl_fma_peak_portable(rounds, start, step, multiplier, addend)
        }
    }

    /// GFLOP/s of `threads` threads running the loop at once: the best of `repeats` runs of about `seconds`
    /// each (the best, because the limit is what the machine can do; a run that shared a core did less).
    func gigaflopsPerSecond(threads: Int, seconds: Double = 0.1, repeats: Int = 10) -> Double {
        // Rounds for `seconds` on one core, from a short timed run (which also wakes the core up).
        let probe = 200_000
        let probeSeconds = Self.time { run(rounds: probe) }
        let rounds = max(probe, Int(Double(probe) * seconds / max(probeSeconds, 1e-6)))
        var best = 0.0
        for _ in 0..<max(repeats, 1) {
            let elapsed = Self.time {
                DispatchQueue.concurrentPerform(iterations: max(threads, 1)) { _ in run(rounds: rounds) }
            }
            best = max(best, operations(rounds: rounds) * Double(max(threads, 1)) / elapsed / 1e9)
        }
        return best
    }

    private static func time(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }
}

/// `tl bench peak`: the FMA peak, in GFLOP/s, on every core with the registers of the kernel path in
/// effect (`TL_KERNELS`), then on one core, then on all cores for each other path this processor has.
/// scripts/bench divides each workload's FLOPs per second by `peak_gflop_per_second`.
struct PeakBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "peak", abstract: "Measure the FMA peak in GFLOP/s with the kernel path's registers, on all cores.")

    @Option(help: "Threads running the loop at once (default: every core).")
    var threads = ProcessInfo.processInfo.activeProcessorCount
    // Many short runs rather than a few long ones: on a shared machine the best run is the one that found
    // every core free, and short runs find such a moment more often.
    @Option(help: "Seconds of each timed run.") var seconds = 0.1
    @Option(help: "Timed runs (the best is kept).") var repeats = 10

    func run() throws {
        let peak = try FMAPeak(path: KernelPath.current)
        print("kernels: \(peak.path)")
        print("fma_loop: \(peak.lanes) floats x \(FMAPeak.chains) independent multiply-adds a round")
        print("threads: \(threads)")
        print("peak_gflop_per_second: \(format(peak.gigaflopsPerSecond(threads: threads, seconds: seconds, repeats: repeats)))")
        print("peak_one_core_gflop_per_second: \(format(peak.gigaflopsPerSecond(threads: 1, seconds: seconds, repeats: repeats)))")
        for other in KernelPath.available where other != peak.path {
            let rate = try FMAPeak(path: other).gigaflopsPerSecond(threads: threads, seconds: seconds, repeats: repeats)
            print("peak_\(other)_gflop_per_second: \(format(rate))")
        }
    }

    private func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
