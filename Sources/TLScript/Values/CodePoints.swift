/// Python's strings are sequences of code points; Swift's are of grapheme clusters ("\r\n" is one
/// Character, "e\u{301}" equals "é"). Length, indexing, iteration, searching and splitting go
/// through these helpers so they count and match code points, as Python does.
enum CodePoints {
    static func of(_ s: String) -> [Unicode.Scalar] { Array(s.unicodeScalars) }

    static func string<C: Sequence>(_ scalars: C) -> String where C.Element == Unicode.Scalar {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    /// Each code point as a one-character string (`list(s)`, `for c in s`).
    static func characters(_ s: String) -> [Value] { s.unicodeScalars.map { .string(String($0)) } }

    static func count(_ s: String) -> Int { s.unicodeScalars.count }

    static func equal(_ a: String, _ b: String) -> Bool { a.unicodeScalars.elementsEqual(b.unicodeScalars) }

    /// Where `needle` starts in `haystack` at or after `start` (the last such place when `fromRight`).
    static func index(of needle: [Unicode.Scalar], in haystack: [Unicode.Scalar], from start: Int = 0, fromRight: Bool = false) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        let candidates = Array(start...(haystack.count - needle.count))
        for position in fromRight ? candidates.reversed() : candidates
        where haystack[position..<(position + needle.count)].elementsEqual(needle) {
            return position
        }
        return nil
    }

    static func contains(_ s: String, _ needle: String) -> Bool {
        needle.isEmpty || index(of: of(needle), in: of(s)) != nil
    }

    /// Non-overlapping occurrences, left to right.
    static func occurrences(of needle: [Unicode.Scalar], in haystack: [Unicode.Scalar]) -> [Int] {
        var found: [Int] = []
        var start = 0
        while start <= haystack.count - needle.count, let position = index(of: needle, in: haystack, from: start) {
            found.append(position)
            start = position + max(needle.count, 1)
        }
        return found
    }

    /// `s.split(separator)` / `s.rsplit(separator, limit)`: at most `limit` splits (all when negative).
    static func split(_ s: String, by separator: String, limit: Int, fromRight: Bool) -> [String] {
        let text = of(s), needle = of(separator)
        var cuts = occurrences(of: needle, in: text)
        if limit >= 0, cuts.count > limit { cuts = fromRight ? Array(cuts.suffix(limit)) : Array(cuts.prefix(limit)) }
        var pieces: [String] = []
        var start = 0
        for cut in cuts {
            pieces.append(string(text[start..<cut]))
            start = cut + needle.count
        }
        pieces.append(string(text[start...]))
        return pieces
    }

    /// `s.replace(old, new, count)`; an empty `old` inserts `new` between every code point.
    static func replace(_ s: String, _ old: String, with new: String, limit: Int) -> String {
        let text = of(s), needle = of(old), replacement = of(new)
        var cuts: [Int]
        if needle.isEmpty { cuts = Array(0...text.count) } else { cuts = occurrences(of: needle, in: text) }
        if limit >= 0 { cuts = Array(cuts.prefix(limit)) }
        var result: [Unicode.Scalar] = []
        var start = 0
        for cut in cuts {
            result += text[start..<cut]
            result += replacement
            start = cut + needle.count
        }
        result += text[min(start, text.count)...]
        return string(result)
    }
}
