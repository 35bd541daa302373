import Foundation
import Glibc
import Synchronization

/// What a long file operation (a download, an extraction) shows while it runs: on a terminal a line
/// redrawn four times a second with the size so far, the rate and the time left
/// (`downloading x.h5: 12.3 MB of 58.9 MB (21%), 4.1 MB/s, 11 s left`), then the summary; elsewhere
/// (a log, CI) only the summary line (`downloaded x.h5: 58.9 MB in 14.2 s (4.1 MB/s)`).
/// Progress is measured from outside (the size of the file being written), so any program can do the work.
public struct TransferProgress {
    /// What is happening, as a present participle and as a past participle: "downloading", "downloaded".
    public let activity: String
    public let completed: String
    /// The file's name or what is fetched, as the user knows it.
    public let subject: String
    /// The final size, when known beforehand (percentage and time left need it).
    public let expectedBytes: Int64?
    /// Bytes done so far.
    public let measure: () -> Int64
    public let isTerminal: Bool
    public let write: (String) -> Void

    public init(activity: String, completed: String, subject: String, expectedBytes: Int64?,
                isTerminal: Bool = isatty(STDERR_FILENO) == 1,
                write: @escaping (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) },
                measure: @escaping () -> Int64) {
        self.activity = activity
        self.completed = completed
        self.subject = subject
        self.expectedBytes = expectedBytes
        self.isTerminal = isTerminal
        self.write = write
        self.measure = measure
    }

    /// The size of the file at `path`, 0 while it does not exist.
    public static func fileSize(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// Runs `body`, showing progress while it runs and the summary after it succeeded.
    public func run<T>(every interval: TimeInterval = 0.25, _ body: () throws -> T) rethrows -> T {
        let start = Date()
        let finished = Atomic<Bool>(false)
        let stopped = DispatchSemaphore(value: 0)
        if isTerminal {
            let redraw = self
            Thread {
                while !finished.load(ordering: .relaxed) {
                    redraw.write("\r\u{1B}[K" + redraw.progressLine(bytes: redraw.measure(), elapsed: Date().timeIntervalSince(start)))
                    Thread.sleep(forTimeInterval: interval)
                }
                stopped.signal()
            }.start()
        }
        let result: T
        do {
            result = try body()
        } catch {
            finished.store(true, ordering: .relaxed)
            if isTerminal { stopped.wait(); write("\r\u{1B}[K") }
            throw error
        }
        finished.store(true, ordering: .relaxed)
        if isTerminal { stopped.wait(); write("\r\u{1B}[K") }
        write(summaryLine(bytes: measure(), elapsed: Date().timeIntervalSince(start)) + "\n")
        return result
    }

    /// `downloading x.h5: 12.3 MB of 58.9 MB (21%), 4.1 MB/s, 11 s left` (parts unknown yet are left out).
    public func progressLine(bytes: Int64, elapsed: TimeInterval) -> String {
        var line = "\(activity) \(subject): \(Self.size(bytes))"
        let rate = elapsed > 0.2 ? Double(bytes) / elapsed : 0
        if let expectedBytes, expectedBytes > 0 {
            line += " of \(Self.size(expectedBytes)) (\(min(100, Int(Double(bytes) * 100 / Double(expectedBytes))))%)"
        }
        if rate > 0 { line += ", \(Self.size(Int64(rate)))/s" }
        if let expectedBytes, rate > 0, bytes < expectedBytes {
            line += ", \(Self.duration(Double(expectedBytes - bytes) / rate)) left"
        } else if rate == 0 {
            line += ", \(Self.duration(elapsed))"
        }
        return line
    }

    /// `downloaded x.h5: 58.9 MB in 14.2 s (4.1 MB/s)`.
    public func summaryLine(bytes: Int64, elapsed: TimeInterval) -> String {
        let rate = elapsed > 0 ? " (\(Self.size(Int64(Double(bytes) / elapsed)))/s)" : ""
        return "\(completed) \(subject): \(Self.size(bytes)) in \(Self.duration(elapsed))\(rate)"
    }

    /// Decimal units, as download tools show them: 950 B, 12.3 KB, 58.9 MB, 1.2 GB.
    static func size(_ bytes: Int64) -> String {
        let units = ["KB", "MB", "GB", "TB"]
        guard bytes >= 1000 else { return "\(max(0, bytes)) B" }
        var value = Double(bytes) / 1000
        var unit = 0
        while value >= 999.95 && unit < units.count - 1 { value /= 1000; unit += 1 }
        return String(format: "%.1f", value) + " " + units[unit]
    }

    /// 0.4 s, 12 s, 3 min 05 s, 1 h 02 min.
    static func duration(_ seconds: TimeInterval) -> String {
        guard seconds.isFinite else { return "?" }
        if seconds < 10 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds.rounded())
        if whole < 60 { return "\(whole) s" }
        if whole < 3600 { return String(format: "%d min %02d s", whole / 60, whole % 60) }
        return String(format: "%d h %02d min", whole / 3600, (whole % 3600) / 60)
    }
}
