import CHDF5
import CHDF5Support
import Foundation

/// How strings are stored in an attribute.
public enum HDF5StringStorage: Equatable {
    /// Variable-length ASCII strings: what h5py writes for Python `bytes` (Keras legacy `layer_names`).
    case variableLengthASCII
    /// Variable-length UTF-8 strings: what h5py writes for Python `str`.
    case variableLengthUTF8
    /// NUL-padded fixed-length strings as wide as the longest: NumPy `S` arrays (Keras 2.0-era files).
    case fixedLengthASCII
}

extension HDF5Group {
    /// Whether this group carries an attribute called `name`.
    public func hasAttribute(_ name: String) -> Bool {
        HDF5Library.perform {
            let exists = H5Aexists(handle.identifier, name)
            if exists < 0 { _ = HDF5Library.takeErrorMessage() }
            return exists > 0
        }
    }

    /// The strings of attribute `name`: one for a scalar string, all of them for a 1-D array, whether
    /// variable- or fixed-length. A zero-element array of any type reads as `[]` (h5py stores an empty
    /// Python list as an empty float64 array, which is how Keras marks a layer without weights).
    public func stringsAttribute(_ name: String) throws -> [String] {
        try HDF5Library.perform {
            let attribute = H5Aopen(handle.identifier, name, tl_h5p_default())
            guard attribute >= 0 else {
                _ = HDF5Library.takeErrorMessage()
                throw FileFormatError(path: filePath, message: "'\(filePath)': group '\(objectPath)' has no attribute '\(name)'. The file does not have the expected layout; check that it is the right file.")
            }
            defer { H5Aclose(attribute) }
            var strings: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
            let count = tl_h5a_read_strings(attribute, &strings)
            defer { tl_free_strings(strings, count) }
            switch count {
            case -2:
                if try elementCount(attribute, name) == 0 { return [] }
                throw FileFormatError(path: filePath, message: "'\(filePath)': attribute '\(name)' of group '\(objectPath)' holds numbers, not strings.")
            case ..<0:
                throw HDF5Library.failure(filePath, "Cannot read attribute '\(name)' of group '\(objectPath)' in '\(filePath)'")
            default:
                return (0..<count).map { String(cString: strings![$0]!) }
            }
        }
    }

    /// The single string of attribute `name` (a scalar or a one-element array).
    public func stringAttribute(_ name: String) throws -> String {
        let strings = try stringsAttribute(name)
        guard strings.count == 1 else {
            throw FileFormatError(path: filePath, message: "'\(filePath)': attribute '\(name)' of group '\(objectPath)' holds \(strings.count) strings where one was expected.")
        }
        return strings[0]
    }

    /// Writes `strings` as attribute `name`: a scalar string when `scalar` is true (exactly one string),
    /// otherwise a 1-D array.
    public func setStringsAttribute(_ name: String, _ strings: [String], storage: HDF5StringStorage = .variableLengthASCII, scalar: Bool = false) throws {
        guard !scalar || strings.count == 1 else {
            throw FileFormatError(path: filePath, message: "Cannot write attribute '\(name)' on '\(objectPath)' in '\(filePath)': a scalar attribute holds one string, \(strings.count) were given.")
        }
        try HDF5Library.perform {
            var cStrings = strings.map { strdup($0) }
            defer { cStrings.forEach { free($0) } }
            let status = cStrings.withUnsafeMutableBufferPointer { buffer in
                buffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: max(buffer.count, 1)) {
                    tl_h5a_write_strings(handle.identifier, name, $0, strings.count, scalar ? 1 : 0,
                                         storage == .fixedLengthASCII ? 1 : 0, storage == .variableLengthUTF8 ? 1 : 0)
                }
            }
            guard status >= 0 else {
                throw HDF5Library.failure(filePath, "Cannot write attribute '\(name)' on group '\(objectPath)' in '\(filePath)'")
            }
        }
    }

    /// Writes attribute `name` as an empty 1-D float64 array, exactly what h5py stores for `[]`
    /// (Keras's `weight_names` of a layer without weights).
    public func setEmptyArrayAttribute(_ name: String) throws {
        try HDF5Library.perform {
            var dimensions: [hsize_t] = [0]
            let space = H5Screate_simple(1, &dimensions, nil)
            guard space >= 0 else { throw HDF5Library.failure(filePath, "Cannot write attribute '\(name)' on group '\(objectPath)' in '\(filePath)'") }
            defer { H5Sclose(space) }
            let attribute = H5Acreate2(handle.identifier, name, tl_h5t_ieee_f64le(), space, tl_h5p_default(), tl_h5p_default())
            guard attribute >= 0 else { throw HDF5Library.failure(filePath, "Cannot write attribute '\(name)' on group '\(objectPath)' in '\(filePath)'") }
            H5Aclose(attribute)
        }
    }

    private func elementCount(_ attribute: hid_t, _ name: String) throws -> Int {
        let space = H5Aget_space(attribute)
        guard space >= 0 else { throw HDF5Library.failure(filePath, "Cannot read attribute '\(name)' of group '\(objectPath)' in '\(filePath)'") }
        defer { H5Sclose(space) }
        return Int(H5Sget_simple_extent_npoints(space))
    }
}
