import CCrypto
import Foundation

/// HMAC-SHA256 signatures of Jupyter messages, computed by OpenSSL's libcrypto.
struct MessageSigner {
    private let key: [UInt8]

    init(key: String) {
        self.key = Array(key.utf8)
    }

    /// Without a key, messages carry an empty signature and none is checked (Jupyter's convention).
    var isSigning: Bool { !key.isEmpty }

    /// The lowercase hex HMAC of the parts in order (header, parent header, metadata, content).
    func signature(of parts: [Data]) -> String {
        guard isSigning else { return "" }
        var joined = Data()
        for part in parts { joined.append(part) }
        var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        key.withUnsafeBufferPointer { keyBytes in
            joined.withUnsafeBytes { message in
                _ = HMAC(EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
                         message.bindMemory(to: UInt8.self).baseAddress, message.count, &digest, &length)
            }
        }
        return digest.prefix(Int(length)).map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `signature` is right for the parts; compared in constant time so timing reveals nothing.
    func verify(_ signature: Data, of parts: [Data]) -> Bool {
        guard isSigning else { return true }
        let expected = Data(self.signature(of: parts).utf8)
        guard expected.count == signature.count else { return false }
        return expected.withUnsafeBytes { a in
            signature.withUnsafeBytes { b in CRYPTO_memcmp(a.baseAddress, b.baseAddress, expected.count) == 0 }
        }
    }
}
