/// matplotlib's colormaps for `imshow` and `scatter(c=...)`, each a 256-colour table as matplotlib's.
/// The tables are rebuilt from matplotlib's colours at entries 0, 16, ..., 240, 255, linearly in between
/// (exact for the grey maps; within a few levels elsewhere). A `_r` suffix reverses a map.
public struct Colormap: Equatable, Sendable {
    public enum Name: String, CaseIterable, Sendable {
        case viridis, plasma, inferno, magma, cividis, gray, greys = "Greys", binary, hot, jet, blues = "Blues", reds = "Reds"

        /// matplotlib's colours at table entries 0, 16, 32, ..., 240 and 255.
        var anchors: [Int] {
            switch self {
        case .viridis: return [0x440154, 0x48186a, 0x472d7b, 0x424086, 0x3b528b, 0x33638d, 0x2c728e, 0x26828e, 0x21918c, 0x1fa088, 0x28ae80, 0x3fbc73, 0x5ec962, 0x84d44b, 0xaddc30, 0xd8e219, 0xfde725]
        case .plasma: return [0x0d0887, 0x310597, 0x4c02a1, 0x6600a7, 0x7e03a8, 0x9511a1, 0xaa2395, 0xbc3587, 0xcc4778, 0xda5a6a, 0xe66c5c, 0xf0804e, 0xf89540, 0xfdac33, 0xfdc527, 0xf8df25, 0xf0f921]
        case .inferno: return [0x000004, 0x0b0724, 0x210c4a, 0x3d0965, 0x57106e, 0x71196e, 0x8a226a, 0xa32c61, 0xbc3754, 0xd24644, 0xe45a31, 0xf1731d, 0xf98e09, 0xfcac11, 0xf9cb35, 0xf2ea69, 0xfcffa4]
        case .magma: return [0x000004, 0x0a0822, 0x1d1147, 0x36106b, 0x51127c, 0x6a1c81, 0x832681, 0x9c2e7f, 0xb73779, 0xd0416f, 0xe75263, 0xf56b5c, 0xfc8961, 0xfea772, 0xfec488, 0xfde2a3, 0xfcfdbf]
        case .cividis: return [0x00224e, 0x002e6a, 0x1a386f, 0x32436d, 0x434e6c, 0x535a6d, 0x61656f, 0x6f7073, 0x7d7c78, 0x8c8878, 0x9b9476, 0xaba072, 0xbcae6c, 0xcdbb63, 0xdec958, 0xf0d846, 0xfee838]
        case .gray: return [0x000000, 0x101010, 0x202020, 0x303030, 0x404040, 0x505050, 0x606060, 0x707070, 0x808080, 0x909090, 0xa0a0a0, 0xb0b0b0, 0xc0c0c0, 0xd0d0d0, 0xe0e0e0, 0xf0f0f0, 0xffffff]
        case .greys: return [0xffffff, 0xf7f7f7, 0xf0f0f0, 0xe4e4e4, 0xd9d9d9, 0xcbcbcb, 0xbdbdbd, 0xa9a9a9, 0x959595, 0x848484, 0x727272, 0x626262, 0x515151, 0x3a3a3a, 0x242424, 0x111111, 0x000000]
        case .binary: return [0xffffff, 0xefefef, 0xdfdfdf, 0xcfcfcf, 0xbfbfbf, 0xafafaf, 0x9f9f9f, 0x8f8f8f, 0x7f7f7f, 0x6f6f6f, 0x5f5f5f, 0x4f4f4f, 0x3f3f3f, 0x2f2f2f, 0x1f1f1f, 0x0f0f0f, 0x000000]
        case .hot: return [0x0b0000, 0x350000, 0x5f0000, 0x890000, 0xb30000, 0xdd0000, 0xff0800, 0xff3200, 0xff5c00, 0xff8600, 0xffb000, 0xffda00, 0xffff07, 0xffff46, 0xffff85, 0xffffc4, 0xffffff]
        case .jet: return [0x000080, 0x0000c8, 0x0000ff, 0x0040ff, 0x0080ff, 0x00c0ff, 0x16ffe1, 0x49ffad, 0x7dff7a, 0xb1ff46, 0xe4ff13, 0xffd000, 0xff9400, 0xff5900, 0xff1e00, 0xc40000, 0x800000]
        case .blues: return [0xf7fbff, 0xeaf3fb, 0xdeebf7, 0xd2e3f3, 0xc6dbef, 0xb2d2e8, 0x9dcae1, 0x84bcdb, 0x6aaed6, 0x56a0ce, 0x4191c6, 0x3181bd, 0x2070b4, 0x1460a8, 0x08509b, 0x084082, 0x08306b]
        case .reds: return [0xfff5f0, 0xfeeae1, 0xfee0d2, 0xfdcdb9, 0xfcbba1, 0xfca689, 0xfc9272, 0xfb7d5d, 0xfb694a, 0xf5523a, 0xee3a2c, 0xdc2924, 0xca181d, 0xb71319, 0xa30f15, 0x840711, 0x67000d]
            }
        }
    }

    public let name: Name
    public let reversed: Bool

    /// matplotlib's default colormap.
    public static let viridis = Colormap(name: .viridis, reversed: false)

    public init(name: Name, reversed: Bool) { self.name = name; self.reversed = reversed }

    /// A `cmap=` name such as `'gray'`, `'viridis'` or `'Greys_r'` (`'grey'` is matplotlib's alias of gray).
    public init(named text: String) throws {
        let reversed = text.hasSuffix("_r")
        let base = reversed ? String(text.dropLast(2)) : text
        guard let name = Name(rawValue: base == "grey" ? "gray" : base) else {
            throw PlotError.unsupportedStyle(what: "colormap", value: text, supported:
                Name.allCases.map { "'\($0.rawValue)'" }.joined(separator: " ") + " (each also reversed with '_r')")
        }
        self.init(name: name, reversed: reversed)
    }

    /// The colour for `fraction` of the way through the map (clipped to 0...1), picked as matplotlib
    /// picks it: table entry `min(255, Int(fraction * 256))`.
    public func color(at fraction: Double) -> PlotStyle.Color {
        let clipped = fraction.isNaN ? 0 : min(1, max(0, fraction))
        var entry = min(255, Int(clipped * 256))
        if reversed { entry = 255 - entry }
        let anchors = name.anchors
        let segment = min(15, entry / 16)
        let start = segment * 16, end = segment == 15 ? 255 : start + 16
        let weight = Double(entry - start) / Double(end - start)
        let from = PlotStyle.Color(rgb: anchors[segment]), to = PlotStyle.Color(rgb: anchors[segment + 1])
        func blend(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * weight).rounded()) }
        return PlotStyle.Color(red: blend(from.red, to.red), green: blend(from.green, to.green), blue: blend(from.blue, to.blue))
    }
}
