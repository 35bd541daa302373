import Foundation

/// The PNG signature and the IHDR chunk's size, read straight from the file's first 24 bytes.
struct PNGHeader {
    let width: Int
    let height: Int

    static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// `nil` unless the file starts with the PNG signature followed by an IHDR chunk.
    init?(path: String) {
        guard let data = FileManager.default.contents(atPath: path), data.count >= 24 else { return nil }
        let bytes = [UInt8](data.prefix(24))
        guard Array(bytes[0..<8]) == Self.signature, bytes[12..<16].elementsEqual("IHDR".utf8) else { return nil }
        func bigEndian(_ start: Int) -> Int {
            bytes[start..<start + 4].reduce(0) { $0 << 8 | Int($1) }
        }
        width = bigEndian(16)
        height = bigEndian(20)
    }
}

/// A fresh temporary folder, removed by the caller's `addTeardownBlock`.
func makeTemporaryFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("tlplot-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}
