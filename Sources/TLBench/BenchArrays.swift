import ArgumentParser
import Foundation
import TLLang

/// `tl bench arrays`: NumPy-style array work as a notebook does it, through the language (so the
/// figures include the interpreter): a 2000x8192 float32 `mean(axis=0)`, 100 batch assignments
/// `features[i*20:(i+1)*20] = batch` into that array, and `np.reshape` of a contiguous and of a
/// transposed array (a view, then one copy). Every figure is the best of `--repeats` runs, in seconds.
struct ArraysBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "arrays", abstract: "Time np. reductions, batch slicing and reshape on a 2000x8192 float32 array.")

    @Option(help: "Rows of the array.") var rows = 2000
    @Option(help: "Columns of the array.") var columns = 8192
    @Option(help: "Timed repetitions (the best is kept).") var repeats = 5

    func run() throws {
        let session = Session(output: { _ in })
        try session.interpreter.run(source: """
            x = np.random.rand(\(rows), \(columns)).astype(np.float32)
            features = np.zeros((\(rows), \(columns)), dtype=np.float32)
            batch = np.ones((20, \(columns)), dtype=np.float32)
            """, fileName: "bench")
        let workloads = [
            ("arrays_mean_axis0_seconds", "m = x.mean(axis=0)"),
            ("arrays_batch_assign_100_seconds", "for i in range(100):\n    features[i * 20:(i + 1) * 20] = batch"),
            ("arrays_reshape_view_seconds", "r = np.reshape(x, (\(rows) * 2, -1))"),
            ("arrays_reshape_transposed_seconds", "r = np.reshape(x.T, (-1,))"),
        ]
        for (key, source) in workloads {
            var best = Double.infinity
            for _ in 0..<max(repeats, 1) {
                let start = Date()
                try session.interpreter.run(source: source, fileName: "bench")
                best = min(best, Date().timeIntervalSince(start))
            }
            print("\(key): \(String(format: "%.5f", best))")
        }
        print("peak_rss_mb: \(peakResidentBytes() / 1_000_000)")
    }
}
