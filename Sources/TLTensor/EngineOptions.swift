import CTensorKernels
import Foundation

/// A family of kernels the engine can run on: the C kernels for AVX-512 or AVX2+FMA (x86-64 only), or the
/// portable Swift/OpenBLAS loops, which run everywhere and stay the reference the tests compare against.
public enum KernelPath: String, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case portable
    case avx2
    case avx512

    /// Ordered by preference: a later case is faster where the processor has it.
    public static func < (a: KernelPath, b: KernelPath) -> Bool { a.rank < b.rank }
    private var rank: Int { KernelPath.allCases.firstIndex(of: self)! }

    public var description: String { rawValue }

    /// The processor (and the OS, which must save the wide registers) can run this path.
    public var isAvailable: Bool { KernelPath.availableOnThisMachine.contains(self) }

    /// Every path this machine can run, portable first.
    public static var available: [KernelPath] { availableOnThisMachine }

    /// The fastest path this machine can run.
    public static var best: KernelPath { availableOnThisMachine.last! }

    /// Asked once: the CPUID answers cannot change while the process runs.
    private static let availableOnThisMachine: [KernelPath] = {
        var paths: [KernelPath] = [.portable]
        #if arch(x86_64)
        if tl_cpu_has_avx2_fma() != 0 { paths.append(.avx2) }
        if tl_cpu_has_avx512() != 0 { paths.append(.avx512) }
        #endif
        return paths
    }()

    /// The path of the options in effect (``EngineOptions/current``).
    public static var current: KernelPath { EngineOptions.current.kernels }
}

/// How the engine runs: read from the environment once (``environment``), and in effect for a scope
/// (``current``, bound with ``with(_:_:)``), so that no mutable global decides which kernels run, how many
/// threads they use or how much memory inference may hold.
///
/// The entry points of the kernels (convolutions, products, optimizer steps) read ``current`` once and pass
/// the value down; ``ParallelFor`` carries the caller's options into its worker threads, so code running
/// inside a parallel loop sees the options of the code that started it.
public struct EngineOptions: Sendable, Equatable {
    /// The kernels that run.
    public var kernels: KernelPath
    /// Threads a ``ParallelFor`` loop uses: `TL_NUM_THREADS` if set, else the active processor count.
    public var workerCount: Int
    /// Lets ``ConvolutionAlgorithm/automatic`` pick Winograd (benchmarks turn it off to compare).
    public var usesWinograd: Bool
    /// Floats of Winograd's transformed inputs plus products held per group of tiles (48 MB) where the groups
    /// route runs (transformed kernels too large for the caches): VGG16's block4 and block5 at 150x150 in one
    /// group for a batch of 20, so each position's 1 MB of kernel is read from memory once.
    public var winogradGroupBudget: Int
    /// True: Winograd's alpha^2 products are dealt out to the workers, one single-threaded sgemm each.
    /// False: they run one after another, each threaded by OpenBLAS (measured slower; kept to compare).
    public var splitsWinogradProducts: Bool
    /// Bytes one layer's input and output may take together during inference (128 MB): a larger batch runs
    /// in equal pieces under it (see `Inference` in TLNN).
    public var activationBudget: Int
    /// Runs a convolution and the 2x2 max pooling after it as one pass when nothing keeps the full map
    /// (false: two layers, for benchmarks to compare).
    public var fusesPooling: Bool
    /// Runs a folded pointwise convolution, the depthwise one reading it and the pointwise one after that
    /// image by image in cache-sized bands (MobileNetV2 and EfficientNet-Lite blocks) when nothing keeps
    /// their values (false: step by step, for tests and benchmarks to compare).
    public var fusesDepthwiseChains: Bool
    /// Lets ``ConvolutionAlgorithm/automatic`` pick Winograd F(6x6, 3x3) where its 8x8 tiles need the fewest
    /// products (false: F(4x4) at most, for benchmarks and tests to compare).
    public var usesLargeWinogradTiles: Bool

    public init(kernels: KernelPath = .best, workerCount: Int = EngineOptions.processorCount,
                usesWinograd: Bool = true, winogradGroupBudget: Int = 12 << 20, splitsWinogradProducts: Bool = true,
                activationBudget: Int = 128 << 20, fusesPooling: Bool = true, fusesDepthwiseChains: Bool = true,
                usesLargeWinogradTiles: Bool = true) {
        self.kernels = kernels.effective
        self.workerCount = max(1, workerCount)
        self.usesWinograd = usesWinograd
        self.winogradGroupBudget = winogradGroupBudget
        self.splitsWinogradProducts = splitsWinogradProducts
        self.activationBudget = activationBudget
        self.fusesPooling = fusesPooling
        self.fusesDepthwiseChains = fusesDepthwiseChains
        self.usesLargeWinogradTiles = usesLargeWinogradTiles
    }

    /// The active processor count (at least 1).
    public static var processorCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// The options `TL_KERNELS` (`avx512`, `avx2` or `portable`) asks for, or the fastest path when it is
    /// unset; `TL_AVX512=0` without `TL_KERNELS` still selects the portable path, as it did before there
    /// were two native paths. A path the processor lacks, or a value that names none, falls back to the
    /// fastest available path below it with a one-line notice on standard error.
    public static let environment: EngineOptions = {
        let (options, notice) = parse(ProcessInfo.processInfo.environment)
        if let notice { FileHandle.standardError.write(Data((notice + "\n").utf8)) }
        return options
    }()

    /// The options in effect: ``environment`` unless a caller bound others with ``with(_:_:)``.
    @TaskLocal public static var current: EngineOptions = environment

    /// Runs `body` with the options in effect changed by `change` (a benchmark's or test's variation).
    public static func with<R>(changing change: (inout EngineOptions) -> Void, _ body: () throws -> R) rethrows -> R {
        var options = current
        change(&options)
        return try with(options, body)
    }

    /// Runs `body` with `options` in effect (on this thread, in tasks it starts, and in ``ParallelFor``
    /// loops it runs).
    public static func with<R>(_ options: EngineOptions, _ body: () throws -> R) rethrows -> R {
        try $current.withValue(options, operation: body)
    }

    /// Runs `body` once per kernel path this machine has, portable first, with that path in effect: for
    /// tests and benchmarks that compare the paths.
    public static func forEachAvailablePath(_ body: (KernelPath) throws -> Void) rethrows {
        for path in KernelPath.available {
            var options = current
            options.kernels = path
            try with(options) { try body(path) }
        }
    }

    /// The options an environment asks for, and the notice to print when it asks for something this
    /// machine cannot do (nil when there is nothing to say).
    public static func parse(_ environment: [String: String]) -> (EngineOptions, notice: String?) {
        var (options, notice) = parseKernels(environment)
        if let text = environment["TL_NUM_THREADS"], let n = Int(text), n > 0 { options.workerCount = n }
        return (options, notice)
    }

    private static func parseKernels(_ environment: [String: String]) -> (EngineOptions, notice: String?) {
        guard let text = environment["TL_KERNELS"], !text.isEmpty else {
            let legacyOff = environment["TL_AVX512"] == "0"
            return (EngineOptions(kernels: legacyOff ? .portable : .best), nil)
        }
        guard let asked = KernelPath(rawValue: text.lowercased()) else {
            let names = KernelPath.allCases.reversed().map(\.rawValue).joined(separator: ", ")
            return (EngineOptions(), "tl: TL_KERNELS=\(text) is not one of \(names); using \(KernelPath.best)")
        }
        let options = EngineOptions(kernels: asked)
        guard options.kernels != asked else { return (options, nil) }
        return (options, "tl: TL_KERNELS=\(text): this processor has no \(asked.featureName); using \(options.kernels)")
    }
}

extension KernelPath {
    /// This path where the processor has it, else the fastest available one below it: what runs when a
    /// caller names a path explicitly (the ``EngineOptions`` in effect are already available).
    public var effective: KernelPath { isAvailable ? self : KernelPath.best(atMost: self) }

    /// The fastest available path no faster than `limit` (portable at worst).
    static func best(atMost limit: KernelPath) -> KernelPath {
        available.last { $0 <= limit } ?? .portable
    }

    /// The instruction sets the path needs, for messages.
    var featureName: String {
        switch self {
        case .portable: return "portable code"
        case .avx2: return "AVX2+FMA"
        case .avx512: return "AVX-512F"
        }
    }
}
