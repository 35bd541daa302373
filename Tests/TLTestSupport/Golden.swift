import Foundation

/// Locates the workplace's read-only `shared/` folder (golden outputs, weights, data) beside the checkout,
/// or wherever `TL_SHARED_DIR` points.
public enum SharedFiles {
    public static var root: URL {
        if let env = ProcessInfo.processInfo.environment["TL_SHARED_DIR"] { return URL(fileURLWithPath: env) }
        return packageRoot.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// The package's root folder (the one holding Package.swift).
    public static var packageRoot: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }

    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
    public static var golden: URL { root.appendingPathComponent("golden") }
    public static var data: URL { root.appendingPathComponent("data/cats_and_dogs_small") }
    public static var vgg16EdgeWeights: String { path("weights/vgg16_edges_notop.h5") }
}

/// One reference array computed by Keras: raw little-endian float32 with its shape from manifest.json.
public struct GoldenArray {
    public let shape: [Int]
    public let values: [Float]
}

public enum Golden {
    public static var manifest: [String: Any] {
        let url = SharedFiles.golden.appendingPathComponent("manifest.json")
        let data = try! Data(contentsOf: url)
        return try! JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    public static func entry(_ name: String) -> [String: Any] {
        guard let e = manifest[name] as? [String: Any] else { fatalError("golden manifest has no \(name)") }
        return e
    }

    public static func array(_ name: String) -> GoldenArray {
        let shape = (entry(name)["shape"] as! [Any]).map { ($0 as! NSNumber).intValue }
        let data = try! Data(contentsOf: SharedFiles.golden.appendingPathComponent(name + ".f32"))
        let count = data.count / 4
        precondition(count == shape.reduce(1, *), "\(name).f32 holds \(count) floats, manifest says \(shape)")
        var values = [Float](repeating: 0, count: count)
        _ = values.withUnsafeMutableBytes { data.copyBytes(to: $0) }
        // Files are little-endian, as is every machine Swift on Linux runs on here.
        return GoldenArray(shape: shape, values: values)
    }

    /// max |a - b| / max |b|: the relative tolerance measure the parity tests use.
    public static func relativeError(_ a: [Float], _ reference: [Float]) -> Float {
        precondition(a.count == reference.count, "sizes differ: \(a.count) vs \(reference.count)")
        var maxDiff: Float = 0, maxRef: Float = 0
        for i in 0..<a.count {
            maxDiff = max(maxDiff, abs(a[i] - reference[i]))
            maxRef = max(maxRef, abs(reference[i]))
        }
        return maxRef == 0 ? maxDiff : maxDiff / maxRef
    }

    public static func maxAbsError(_ a: [Float], _ reference: [Float]) -> Float {
        precondition(a.count == reference.count, "sizes differ: \(a.count) vs \(reference.count)")
        var m: Float = 0
        for i in 0..<a.count { m = max(m, abs(a[i] - reference[i])) }
        return m
    }
}
