/// Why `DirectoryIterator`'s background preparation could not be set up as asked.
public enum InputPipelineError: Error, Equatable, CustomStringConvertible {
    case invalidWorkers(Int)
    case invalidPrefetch(Int)

    public var description: String {
        switch self {
        case let .invalidWorkers(count):
            return "workers must be at least 1, got \(count). Give the number of threads preparing batches (1 or 2 on 2 cores)."
        case let .invalidPrefetch(count):
            return "prefetch must be 0 or more, got \(count). Give how many batches to prepare ahead (0 prepares each when asked)."
        }
    }
}
