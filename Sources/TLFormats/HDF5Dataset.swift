import CHDF5
import CHDF5Support

/// An open dataset of numbers. Reading converts whatever the file stores (float16/32/64, integers)
/// to `Float` through HDF5's own type conversion.
public struct HDF5Dataset {
    let handle: HDF5Handle
    /// The file this dataset belongs to (for messages).
    public let filePath: String
    /// The dataset's absolute path inside the file.
    public let objectPath: String

    /// The dataset's dimensions, outermost first (row-major, as NumPy shows them); `[]` for a scalar.
    public func shape() throws -> [Int] {
        try HDF5Library.perform {
            let space = H5Dget_space(handle.identifier)
            guard space >= 0 else { throw HDF5Library.failure(filePath, "Cannot read the shape of dataset '\(objectPath)' in '\(filePath)'") }
            defer { H5Sclose(space) }
            let rank = H5Sget_simple_extent_ndims(space)
            guard rank >= 0 else { throw HDF5Library.failure(filePath, "Cannot read the shape of dataset '\(objectPath)' in '\(filePath)'") }
            var dimensions = [hsize_t](repeating: 0, count: Int(rank))
            H5Sget_simple_extent_dims(space, &dimensions, nil)
            return dimensions.map { Int($0) }
        }
    }

    /// All values in row-major order.
    public func readFloats() throws -> [Float] {
        let count = try shape().reduce(1, *)
        return try HDF5Library.perform {
            let type = H5Dget_type(handle.identifier)
            guard type >= 0 else { throw HDF5Library.failure(filePath, "Cannot read the element type of dataset '\(objectPath)' in '\(filePath)'") }
            defer { H5Tclose(type) }
            let typeClass = H5Tget_class(type)
            guard typeClass == H5T_FLOAT || typeClass == H5T_INTEGER else {
                throw FileFormatError(path: filePath, message: "Dataset '\(objectPath)' in '\(filePath)' does not hold numbers (HDF5 type class \(typeClass.rawValue)); weights must be float16, float32 or float64.")
            }
            if count == 0 { return [] }
            var failed = false
            let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                failed = H5Dread(handle.identifier, tl_h5t_native_float(), tl_h5s_all(), tl_h5s_all(), tl_h5p_default(), buffer.baseAddress) < 0
                if failed { buffer.initialize(repeating: 0) }
                initialized = count
            }
            if failed {
                throw HDF5Library.failure(filePath, "Cannot read the \(count) values of dataset '\(objectPath)' in '\(filePath)'; the file is probably truncated or damaged. Download or save it again")
            }
            return values
        }
    }
}
