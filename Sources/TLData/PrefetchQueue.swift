import Foundation

/// A small pool of background threads that runs submitted jobs in submission order and hands each result
/// to whoever waits for its ticket: `DirectoryIterator`'s batches prepared ahead.
///
/// The pool holds at most what was submitted and not yet taken, so the caller bounds memory by bounding
/// its submissions. `cancelAll()` drops the jobs not started and discards the results of running ones
/// (their threads finish them first). Threads start with the first job and stop in `shutdown()`; they
/// reference only the pool, never its owner.
final class PrefetchQueue<Output>: @unchecked Sendable {
    private struct Job {
        let ticket: Int
        let work: () -> Output
    }

    let workers: Int
    private let condition = NSCondition()
    private var pending: [Job] = []
    private var results: [Int: Output] = [:]
    private var nextTicket = 0
    /// Results of tickets below this are dropped (cancelled).
    private var firstValidTicket = 0
    private var started = false
    private var stopped = false
    private var running = 0

    init(workers: Int) {
        precondition(workers >= 1, "a prefetch queue needs at least one worker, got \(workers)")
        self.workers = workers
    }

    /// Queues `work`; the ticket names its result for `wait(for:)`.
    func submit(_ work: @escaping () -> Output) -> Int {
        condition.lock(); defer { condition.unlock() }
        if !started {
            started = true
            for index in 0..<workers {
                let thread = Thread { [self] in self.workerLoop() }
                thread.name = "tl.prefetch.\(index)"
                thread.start()
            }
        }
        let ticket = nextTicket
        nextTicket += 1
        pending.append(Job(ticket: ticket, work: work))
        condition.broadcast()
        return ticket
    }

    /// Blocks until the job of `ticket` has run, and returns its result (once) and whether it had to wait.
    func wait(for ticket: Int) -> (output: Output, waited: Bool) {
        condition.lock(); defer { condition.unlock() }
        precondition(ticket >= firstValidTicket && ticket < nextTicket, "ticket \(ticket) was cancelled or never issued")
        let waited = results[ticket] == nil
        while results[ticket] == nil { condition.wait() }
        return (results.removeValue(forKey: ticket)!, waited)
    }

    /// Results ready and not yet taken.
    var readyCount: Int {
        condition.lock(); defer { condition.unlock() }
        return results.count
    }

    /// Drops every job not yet started and the results of all issued tickets.
    func cancelAll() {
        condition.lock(); defer { condition.unlock() }
        pending.removeAll()
        results.removeAll()
        firstValidTicket = nextTicket
    }

    /// Cancels everything and lets the threads end.
    func shutdown() {
        condition.lock(); defer { condition.unlock() }
        pending.removeAll()
        results.removeAll()
        firstValidTicket = nextTicket
        stopped = true
        condition.broadcast()
    }

    /// Jobs running right now (for tests and measurements).
    var runningCount: Int {
        condition.lock(); defer { condition.unlock() }
        return running
    }

    private func workerLoop() {
        while true {
            condition.lock()
            while pending.isEmpty && !stopped { condition.wait() }
            if stopped { condition.unlock(); return }
            let job = pending.removeFirst()
            running += 1
            condition.unlock()

            let output = job.work()

            condition.lock()
            running -= 1
            if job.ticket >= firstValidTicket { results[job.ticket] = output }
            condition.broadcast()
            condition.unlock()
        }
    }
}
