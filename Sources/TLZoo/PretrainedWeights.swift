import Foundation
import TLFormats
import TLNN
import TLSaving

/// A published weights file: where Keras keeps it and how to check it.
public struct PublishedWeights: Sendable {
    public let fileName: String
    public let url: String
    /// Keras's published MD5, or nil where Keras publishes none (MobileNet, MobileNetV2): such a file is
    /// checked by its layer names and weight shapes as it loads.
    public let md5: String?

    public init(fileName: String, url: String, md5: String?) {
        self.fileName = fileName
        self.url = url
        self.md5 = md5
    }

    /// Keras's VGG16 ImageNet weights without the classifier (keras/applications/vgg16.py).
    public static let vgg16NoTop = PublishedWeights(
        fileName: "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
        url: "https://storage.googleapis.com/tensorflow/keras-applications/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
        md5: "6d6bbae143d832006294945121d1f1fc")
    /// Keras's VGG16 ImageNet weights with the classifier.
    public static let vgg16WithTop = PublishedWeights(
        fileName: "vgg16_weights_tf_dim_ordering_tf_kernels.h5",
        url: "https://storage.googleapis.com/tensorflow/keras-applications/vgg16/vgg16_weights_tf_dim_ordering_tf_kernels.h5",
        md5: "64373286793e3c8b2b4e3219cbf3544b")
}

/// Finds `weights="imagenet"` files as Keras does, and fetches them when allowed.
///
/// Order: `$TL_WEIGHTS_DIR`, then Keras's cache `~/.keras/models/`, then a download from Keras's own
/// address into `~/.keras/models/`. Every file found or fetched must carry the published MD5.
public struct WeightsResolver {
    public var environment: [String: String]
    /// Downloads `url` to a local path; replaceable for tests. Default: `curl`.
    public var download: (_ url: String, _ destination: String) throws -> Void

    public init(environment: [String: String] = ProcessInfo.processInfo.environment,
                download: ((String, String) throws -> Void)? = nil) {
        self.environment = environment
        self.download = download ?? WeightsResolver.curlDownload
    }

    var kerasCache: String {
        let home = environment["HOME"] ?? NSHomeDirectory()
        return (environment["KERAS_HOME"] ?? home + "/.keras") + "/models"
    }

    /// Folders searched, in order.
    public var searchDirectories: [String] {
        [environment["TL_WEIGHTS_DIR"], kerasCache].compactMap { $0 }
    }

    /// The verified local path of a published file, downloading it into Keras's cache when absent.
    public func resolve(_ weights: PublishedWeights) throws -> String {
        for dir in searchDirectories {
            let candidate = dir + "/" + weights.fileName
            guard FileManager.default.fileExists(atPath: candidate) else { continue }
            guard let md5 = weights.md5 else { return candidate }
            let sum = try Checksum.md5(ofFile: candidate)
            guard sum == md5 else {
                throw ZooError("'\(candidate)' is not Keras's \(weights.fileName): its MD5 is \(sum), Keras publishes \(md5). Delete it (it may be a partial download) or put the genuine file there.")
            }
            // Checked against Keras's published MD5: safe to read in process.
            HDF5Isolation.vouch(forFileAt: candidate)
            return candidate
        }
        try FileManager.default.createDirectory(atPath: kerasCache, withIntermediateDirectories: true)
        let destination = kerasCache + "/" + weights.fileName
        let partial = destination + ".part"
        do {
            try download(weights.url, partial)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw ZooError("""
                the ImageNet weights '\(weights.fileName)' are not on this machine and could not be downloaded (\(error)).
                Put the file (\(weights.md5.map { "MD5 \($0)" } ?? "Keras publishes no hash for it")) in \(searchDirectories.joined(separator: " or ")), \
                for example by copying it from a machine where Keras has it in ~/.keras/models/, \
                or pass weights="path/to/file.h5".
                """)
        }
        if let md5 = weights.md5 {
            let sum = try Checksum.md5(ofFile: partial)
            guard sum == md5 else {
                try? FileManager.default.removeItem(atPath: partial)
                throw ZooError("downloaded '\(weights.url)' but its MD5 is \(sum), not the published \(md5); nothing was kept. Try again.")
            }
        }
        try FileManager.default.moveItem(atPath: partial, toPath: destination)
        HDF5Isolation.vouch(forFileAt: destination)
        return destination
    }

    /// Downloads with curl, showing a progress line (size, rate, time left) on a terminal and one
    /// summary line elsewhere.
    static func curlDownload(url: String, destination: String) throws {
        let progress = TransferProgress(activity: "downloading", completed: "downloaded",
                                        subject: URL(fileURLWithPath: url).lastPathComponent,
                                        expectedBytes: remoteSize(of: url)) { TransferProgress.fileSize(destination) }
        try progress.run { try runProgram("curl", ["-fsSL", "--connect-timeout", "15", "-o", destination, url]) }
    }

    /// The size the server announces (`Content-Length` of a HEAD request, after redirects), if any.
    static func remoteSize(of url: String) -> Int64? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["curl", "-sIL", "--connect-timeout", "15", "--max-time", "30", url]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let headers = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lengths = headers.split(whereSeparator: \.isNewline).compactMap { line -> Int64? in
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
            return Int64(parts[1].trimmingCharacters(in: .whitespaces))
        }
        return lengths.last
    }
}

extension VGG16 {
    /// Where the weights come from: `.imagenet` (resolved by ``WeightsResolver``), a file, or none (random).
    public enum Weights {
        case imagenet
        case file(String)
        case none
    }

    /// `load_vgg16`: builds the architecture and loads its weights (by order, Keras's default).
    public static func load(weights: Weights, includeTop: Bool, inputShape: FeatureShape?, pooling: Pooling = .none,
                            classes: Int = 1000, resolver: WeightsResolver = WeightsResolver()) throws -> Sequential {
        if case .imagenet = weights, includeTop, classes != 1000 {
            throw ZooError("weights=\"imagenet\" with include_top=true needs classes=1000 (the ImageNet classifier); got classes=\(classes)")
        }
        let model = try make(includeTop: includeTop, inputShape: inputShape, pooling: pooling, classes: classes)
        switch weights {
        case .none: break
        case .file(let path):
            try KerasWeights.load(into: model, path: path)
        case .imagenet:
            let path = try resolver.resolve(includeTop ? .vgg16WithTop : .vgg16NoTop)
            try KerasWeights.load(into: model, path: path)
        }
        return model
    }
}
