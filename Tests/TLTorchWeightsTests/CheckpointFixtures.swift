import Foundation

/// Tiny checkpoints in both formats, holding the state_dict
/// `OrderedDict(fc.weight = <3x2 transposed view of storage "0">, fc.bias = <2 elements of storage "1">)`:
/// - storage "0", float32 [1, 2, 3, 4, 5, 6]; `fc.weight` has size (3, 2), stride (1, 3), so its
///   row-major values are [1, 4, 2, 5, 3, 6] (a non-contiguous view, like `w.t()`);
/// - storage "1", float16 [0.5, -2, 1.5, 65504]; `fc.bias` has offset 1, size (2,), stride (2,),
///   so its values are [-2, 65504].
enum CheckpointFixtures {
    static let weightStorage: [Float] = [1, 2, 3, 4, 5, 6]
    /// IEEE half bit patterns: 0.5 = 0x3800, -2 = 0xC000, 1.5 = 0x3E00, 65504 (largest half) = 0x7BFF.
    static let biasStorage: [UInt16] = [0x3800, 0xC000, 0x3E00, 0x7BFF]
    static let expected = [
        (name: "fc.weight", shape: [3, 2], values: [Float(1), 4, 2, 5, 3, 6]),
        (name: "fc.bias", shape: [2], values: [Float(-2), 65504]),
    ]

    static var weightBytes: [UInt8] { weightStorage.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) } }
    static var biasBytes: [UInt8] { biasStorage.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) } }

    /// The state_dict pickle; `legacyIDs` selects the 6-field persistent ids of the legacy format
    /// (with a trailing `None` view), otherwise the zip format's 5 fields.
    static func stateDictPickle(legacyIDs: Bool, wrapWeightInParameter: Bool = false) -> [UInt8] {
        var p = PickleWriter()
        p.proto(2)
        p.global("collections", "OrderedDict"); p.binPut(0)
        p.emptyTuple(); p.reduce(); p.binPut(1)                 // OrderedDict()
        p.mark()
        // fc.weight
        p.binUnicode("fc.weight")
        if wrapWeightInParameter { p.global("torch._utils", "_rebuild_parameter") }
        p.global("torch._utils", "_rebuild_tensor_v2"); p.binPut(2)
        p.mark()
        persistentID(&p, storageType: "FloatStorage", key: "0", count: 6, legacy: legacyIDs)
        p.binInt1(0)                                            // storage offset
        p.binInt1(3); p.binInt1(2); p.tuple2()                  // size (3, 2)
        p.binInt1(1); p.binInt1(3); p.tuple2()                  // stride (1, 3)
        p.newFalse()                                            // requires_grad
        p.binGet(0); p.emptyTuple(); p.reduce()                 // backward_hooks = OrderedDict()
        p.tuple(); p.reduce()
        if wrapWeightInParameter { p.newTrue(); p.binGet(0); p.emptyTuple(); p.reduce(); p.tuple3(); p.reduce() }
        // fc.bias
        p.shortBinUnicode("fc.bias")
        p.binGet(2)                                             // _rebuild_tensor_v2 again, from the memo
        p.mark()
        persistentID(&p, storageType: "HalfStorage", key: "1", count: 4, legacy: legacyIDs)
        p.binInt1(1)                                            // offset 1
        p.binInt1(2); p.tuple1()                                // size (2,)
        p.binInt1(2); p.tuple1()                                // stride (2,)
        p.newFalse()
        p.binGet(0); p.emptyTuple(); p.reduce()
        p.tuple(); p.reduce()
        p.setItems()
        // state_dict._metadata, set through BUILD as pickle does for OrderedDict attributes.
        p.emptyDict(); p.shortBinUnicode("_metadata"); p.binGet(0); p.emptyTuple(); p.reduce(); p.setItem()
        p.build()
        p.stop()
        return p.bytes
    }

    /// `("storage", torch.<type>, key, "cpu", count[, None])`, then BINPERSID.
    private static func persistentID(_ p: inout PickleWriter, storageType: String, key: String, count: UInt8, legacy: Bool) {
        p.mark()
        p.shortBinUnicode("storage")
        p.global("torch", storageType)
        p.shortBinUnicode(key)
        p.shortBinUnicode("cpu")
        p.binInt1(count)
        if legacy { p.none() }
        p.tuple()
        p.binPersistentID()
    }

    /// The legacy format: magic, protocol version, system info, state_dict, key list, storages.
    static func legacyCheckpoint(stateDict: [UInt8]? = nil) -> [UInt8] {
        var bytes: [UInt8] = []
        var magic = PickleWriter()
        magic.proto(2); magic.long1([0x6C, 0xFC, 0x9C, 0x46, 0xF9, 0x20, 0x6A, 0xA8, 0x50, 0x19]); magic.stop()
        var version = PickleWriter()
        version.proto(2); version.binInt2(1001); version.stop()
        var info = PickleWriter()
        info.proto(2); info.emptyDict(); info.mark()
        info.binUnicode("protocol_version"); info.binInt2(1001)
        info.binUnicode("little_endian"); info.newTrue()
        info.setItems(); info.stop()
        var keys = PickleWriter()
        keys.proto(2); keys.emptyList(); keys.mark(); keys.binUnicode("0"); keys.binUnicode("1"); keys.appends(); keys.stop()

        bytes += magic.bytes + version.bytes + info.bytes
        bytes += stateDict ?? stateDictPickle(legacyIDs: true)
        bytes += keys.bytes
        bytes += withUnsafeBytes(of: Int64(6).littleEndian, Array.init) + weightBytes
        bytes += withUnsafeBytes(of: Int64(4).littleEndian, Array.init) + biasBytes
        return bytes
    }

    /// The zip format, entries stored uncompressed under `archive/` as torch.save writes them.
    static func zipCheckpoint(stateDict: [UInt8]? = nil) -> [UInt8] {
        ZipWriter.archive([
            ("archive/data.pkl", stateDict ?? stateDictPickle(legacyIDs: false, wrapWeightInParameter: true)),
            ("archive/byteorder", Array("little".utf8)),
            ("archive/data/0", weightBytes),
            ("archive/data/1", biasBytes),
            ("archive/version", Array("3\n".utf8)),
        ])
    }

    /// A pickle that would run `os.system("echo pwned")` under Python's unrestricted unpickler.
    static var maliciousPickle: [UInt8] {
        var p = PickleWriter()
        p.proto(2)
        p.global("os", "system")
        p.shortBinUnicode("echo pwned"); p.tuple1()
        p.reduce()
        p.stop()
        return p.bytes
    }

    static func write(_ bytes: [UInt8], named name: String, in folder: String) throws -> String {
        let path = folder + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
