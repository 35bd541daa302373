import Dispatch
import Foundation

/// Data-parallel loops over the cores, with OpenBLAS held to one thread inside them.
///
/// Two levels of threading on two cores would oversubscribe them: while a loop runs, every sgemm a
/// worker calls is single-threaded, and OpenBLAS gets its threads back afterwards. Items are dealt out
/// one at a time, so a worker slowed by another process takes fewer of them.
public enum ParallelFor {
    /// Workers a loop uses: ``EngineOptions/workerCount`` of the options in effect.
    public static var workerCount: Int { EngineOptions.current.workerCount }

    nonisolated(unsafe) private static var active = false
    private static let lock = NSLock()

    /// Calls `body(item)` for every `item` in `0..<count`, on up to ``workerCount`` threads.
    /// A loop started inside another one runs serially on its caller's thread.
    public static func run(_ count: Int, _ body: (Int) -> Void) {
        run(count) { item, _ in body(item) }
    }

    /// Calls `body(item, worker)` for every `item` in `0..<count`; `worker` in `0..<workerCount` names the
    /// thread, so per-worker scratch can be indexed by it. A nested loop runs serially (worker 0).
    public static func run(_ count: Int, _ body: (Int, Int) -> Void) {
        let workers = min(workerCount, count)
        lock.lock()
        let nested = active
        if !nested && workers > 1 { active = true }
        lock.unlock()
        if nested || workers <= 1 {
            for i in 0..<count { body(i, 0) }
            return
        }
        let blasThreads = blasThreadCount
        blasThreadCount = 1
        defer {
            blasThreadCount = blasThreads
            lock.lock(); active = false; lock.unlock()
        }
        var next = 0
        let nextLock = NSLock()
        // Dispatch's threads do not inherit task-local values: bind the caller's options in each, so that
        // the kernels a body calls run on the caller's path.
        let options = EngineOptions.current
        withoutActuallyEscaping(body) { body in
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                EngineOptions.with(options) {
                    while true {
                        nextLock.lock()
                        let item = next
                        next += 1
                        nextLock.unlock()
                        if item >= count { break }
                        body(item, worker)
                    }
                }
            }
        }
    }

    /// Splits `0..<count` into at most `parts` contiguous ranges of near-equal length.
    public static func ranges(_ count: Int, parts: Int) -> [Range<Int>] {
        let p = max(1, min(parts, count))
        return (0..<p).map { i in (i * count / p)..<((i + 1) * count / p) }
    }
}

/// A reusable float buffer that only grows: hot loops get their temporaries without paying
/// allocation and page faults on every call. Its floats start on a cache line (64 bytes), so that the
/// kernels' aligned and streaming stores may write into it.
public final class ScratchBuffer: @unchecked Sendable {
    public private(set) var pointer: UnsafeMutablePointer<Float>
    public private(set) var capacity: Int

    public init() {
        pointer = Self.allocate(1)
        capacity = 1
    }

    deinit { pointer.deallocate() }

    private static func allocate(_ count: Int) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Float>.stride, alignment: 64)
            .bindMemory(to: Float.self, capacity: count)
    }

    /// At least `count` floats (contents unspecified).
    public func reserve(_ count: Int) -> UnsafeMutablePointer<Float> {
        if count > capacity {
            pointer.deallocate()
            pointer = Self.allocate(count)
            capacity = count
        }
        return pointer
    }

    /// Named buffers shared by the kernels. A caller takes a set with ``withBuffers(_:_:)``; a
    /// concurrent caller (two models run from two threads) gets fresh buffers instead of sharing.
    nonisolated(unsafe) private static var pool: [[ScratchBuffer]] = []
    private static let poolLock = NSLock()

    /// Runs `body` with `count` scratch buffers no one else uses meanwhile.
    public static func withBuffers<R>(_ count: Int, _ body: ([ScratchBuffer]) throws -> R) rethrows -> R {
        poolLock.lock()
        var set = pool.popLast() ?? []
        poolLock.unlock()
        while set.count < count { set.append(ScratchBuffer()) }
        defer {
            poolLock.lock()
            if pool.isEmpty { pool.append(set) }   // keep one set: bounded memory
            poolLock.unlock()
        }
        return try body(set)
    }
}

/// A tensor's storage allocated without zero-filling: for outputs every element of which is written.
@inlinable
public func uninitializedTensor(shape: [Int], _ fill: (UnsafeMutableBufferPointer<Float>) -> Void) -> Tensor {
    let count = shape.reduce(1, *)
    let scalars = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        fill(buffer)
        initialized = count
    }
    return Tensor(shape: shape, scalars: scalars)
}
