import Foundation
import XCTest
@testable import TLZoo

/// The progress of downloads and extractions: a redrawn line on a terminal, one summary line elsewhere.
final class TransferProgressTests: XCTestCase {
    /// Collects what the progress writes.
    private final class Sink: @unchecked Sendable {
        private let lock = NSLock()
        private var parts: [String] = []
        func append(_ text: String) { lock.withLock { parts.append(text) } }
        var text: String { lock.withLock { parts.joined() } }
    }

    func testLinesGiveSizeRateAndTimeLeft() {
        let progress = TransferProgress(activity: "downloading", completed: "downloaded", subject: "vgg16.h5",
                                        expectedBytes: 58_889_256, isTerminal: true, write: { _ in }) { 0 }
        XCTAssertEqual(progress.progressLine(bytes: 12_300_000, elapsed: 3),
                       "downloading vgg16.h5: 12.3 MB of 58.9 MB (20%), 4.1 MB/s, 11 s left")
        XCTAssertEqual(progress.progressLine(bytes: 0, elapsed: 0.1), "downloading vgg16.h5: 0 B of 58.9 MB (0%), 0.1 s")
        XCTAssertEqual(progress.summaryLine(bytes: 58_889_256, elapsed: 14.2), "downloaded vgg16.h5: 58.9 MB in 14 s (4.1 MB/s)")
        let unknown = TransferProgress(activity: "fetching", completed: "fetched", subject: "x==1 with pip",
                                       expectedBytes: nil, isTerminal: true, write: { _ in }) { 0 }
        XCTAssertEqual(unknown.progressLine(bytes: 2_500, elapsed: 2), "fetching x==1 with pip: 2.5 KB, 1.2 KB/s")
        XCTAssertEqual(TransferProgress.duration(185), "3 min 05 s")
        XCTAssertEqual(TransferProgress.duration(3720), "1 h 02 min")
        XCTAssertEqual(TransferProgress.size(999), "999 B")
        XCTAssertEqual(TransferProgress.size(1_500_000_000), "1.5 GB")
    }

    func testOffATerminalOnlyTheSummaryIsWritten() {
        let sink = Sink()
        var done: Int64 = 0
        let progress = TransferProgress(activity: "extracting", completed: "extracted", subject: "w.pth", expectedBytes: 2_000_000,
                                        isTerminal: false, write: sink.append) { done }
        let value = progress.run(every: 0.01) { () -> Int in
            for step in 1...4 { done = Int64(step) * 500_000; usleep(20_000) }
            return 7
        }
        XCTAssertEqual(value, 7)
        XCTAssertTrue(sink.text.hasPrefix("extracted w.pth: 2.0 MB in "), sink.text)
        XCTAssertEqual(sink.text.filter { $0 == "\n" }.count, 1, sink.text)
        XCTAssertFalse(sink.text.contains("\r"))
    }

    func testOnATerminalTheLineIsRedrawnWhileItRuns() {
        let sink = Sink()
        let counter = ManagedCounter()
        let progress = TransferProgress(activity: "downloading", completed: "downloaded", subject: "f.h5", expectedBytes: 1_000_000,
                                        isTerminal: true, write: sink.append) { counter.value }
        progress.run(every: 0.01) {
            for step in 1...10 { counter.value = Int64(step) * 100_000; usleep(15_000) }
        }
        let redraws = sink.text.components(separatedBy: "\r\u{1B}[Kdownloading f.h5: ").count - 1
        XCTAssertGreaterThan(redraws, 2, sink.text)
        XCTAssertTrue(sink.text.hasSuffix("\n") && sink.text.contains("downloaded f.h5: 1.0 MB in "), sink.text)
    }

    func testAFailureShowsNoSummary() {
        let sink = Sink()
        let progress = TransferProgress(activity: "downloading", completed: "downloaded", subject: "f.h5", expectedBytes: nil,
                                        isTerminal: false, write: sink.append) { 10 }
        XCTAssertThrowsError(try progress.run { throw CocoaError(.fileReadUnknown) })
        XCTAssertEqual(sink.text, "")
    }

    private final class ManagedCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var stored: Int64 = 0
        var value: Int64 {
            get { lock.withLock { stored } }
            set { lock.withLock { stored = newValue } }
        }
    }
}
