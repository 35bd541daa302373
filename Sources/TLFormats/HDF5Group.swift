import CHDF5
import CHDF5Support

/// What a link inside a group points at.
public enum HDF5ObjectKind: Equatable {
    case group, dataset, other
}

/// An open group of an HDF5 file: children (groups, datasets) and attributes.
///
/// Names passed to the accessors are paths relative to this group and may contain `/`
/// (`"block1_conv1/kernel:0"`), as HDF5 and Keras weight names do.
public struct HDF5Group {
    let handle: HDF5Handle
    /// The file this group belongs to (for messages).
    public let filePath: String
    /// This group's absolute path inside the file, e.g. `/block1_conv1`.
    public let objectPath: String

    init(handle: HDF5Handle, filePath: String, objectPath: String) {
        self.handle = handle
        self.filePath = filePath
        self.objectPath = objectPath
    }

    func childPath(_ name: String) -> String {
        objectPath == "/" ? "/" + name : objectPath + "/" + name
    }

    // MARK: Children

    /// The kind of object at the relative path `name`, or nil if there is none.
    public func kind(of name: String) -> HDF5ObjectKind? {
        HDF5Library.perform {
            // H5Lexists fails (rather than answering false) when an intermediate group is missing,
            // so walk the path one component at a time.
            var prefix = ""
            for component in name.split(separator: "/", omittingEmptySubsequences: true) {
                prefix = prefix.isEmpty ? String(component) : prefix + "/" + component
                guard H5Lexists(handle.identifier, prefix, tl_h5p_default()) > 0 else {
                    _ = HDF5Library.takeErrorMessage()
                    return nil
                }
            }
            let object = H5Oopen(handle.identifier, name, tl_h5p_default())
            guard object >= 0 else {
                _ = HDF5Library.takeErrorMessage()
                return nil
            }
            defer { H5Oclose(object) }
            switch H5Iget_type(object) {
            case H5I_GROUP: return .group
            case H5I_DATASET: return .dataset
            default: return .other
            }
        }
    }

    /// The names of this group's direct children, in HDF5's name order (as h5py lists them).
    public func childNames() throws -> [String] {
        try HDF5Library.perform {
            var info = H5G_info_t()
            guard H5Gget_info(handle.identifier, &info) >= 0 else {
                throw HDF5Library.failure(filePath, "Cannot list group '\(objectPath)' of '\(filePath)'")
            }
            var names: [String] = []
            for index in 0..<info.nlinks {
                let length = H5Lget_name_by_idx(handle.identifier, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, tl_h5p_default())
                guard length >= 0 else {
                    throw HDF5Library.failure(filePath, "Cannot read the name of child \(index) of group '\(objectPath)' in '\(filePath)'")
                }
                var buffer = [CChar](repeating: 0, count: Int(length) + 1)
                _ = H5Lget_name_by_idx(handle.identifier, ".", H5_INDEX_NAME, H5_ITER_INC, index, &buffer, buffer.count, tl_h5p_default())
                names.append(String(cString: buffer))
            }
            return names
        }
    }

    /// Opens the group at the relative path `name`.
    public func group(_ name: String) throws -> HDF5Group {
        try HDF5Library.perform {
            let group = H5Gopen2(handle.identifier, name, tl_h5p_default())
            guard group >= 0 else {
                _ = HDF5Library.takeErrorMessage()
                throw FileFormatError(path: filePath, message: "'\(filePath)' has no group '\(childPath(name))'\(kindHint(name)). The file does not have the expected layout; check that it is the right file.")
            }
            return HDF5Group(handle: HDF5Handle(group, in: handle.file, close: H5Gclose), filePath: filePath, objectPath: childPath(name))
        }
    }

    /// Creates the group at the relative path `name`, creating missing intermediate groups too.
    @discardableResult
    public func createGroup(_ name: String) throws -> HDF5Group {
        try HDF5Library.perform {
            let links = tl_h5p_create_intermediate_groups()
            defer { if links >= 0 { H5Pclose(links) } }
            let group = H5Gcreate2(handle.identifier, name, links, tl_h5p_default(), tl_h5p_default())
            guard group >= 0 else {
                throw HDF5Library.failure(filePath, "Cannot create group '\(childPath(name))' in '\(filePath)'")
            }
            return HDF5Group(handle: HDF5Handle(group, in: handle.file, close: H5Gclose), filePath: filePath, objectPath: childPath(name))
        }
    }

    /// Opens the dataset at the relative path `name`.
    public func dataset(_ name: String) throws -> HDF5Dataset {
        try HDF5Library.perform {
            let dataset = H5Dopen2(handle.identifier, name, tl_h5p_default())
            guard dataset >= 0 else {
                let detail = HDF5Library.takeErrorMessage()
                let missing = kind(of: name) == nil
                throw FileFormatError(path: filePath, message: missing
                    ? "'\(filePath)' has no dataset '\(childPath(name))'\(kindHint(name)). The file does not have the expected layout; check that it is the right file."
                    : "Cannot open dataset '\(childPath(name))' in '\(filePath)'\(detail.map { " (HDF5: \($0))" } ?? ""). The file may be damaged.")
            }
            return HDF5Dataset(handle: HDF5Handle(dataset, in: handle.file, close: H5Dclose), filePath: filePath, objectPath: childPath(name))
        }
    }

    /// Writes `values` (row-major, `shape.reduce(1, *)` of them) as a new dataset at the relative path
    /// `name`, creating missing intermediate groups. `storage` is the element type on disk.
    public func createDataset(_ name: String, shape: [Int], values: [Float], storage: HDF5FloatStorage = .float32) throws {
        let expected = shape.reduce(1, *)
        guard shape.allSatisfy({ $0 >= 0 }), expected == values.count else {
            throw FileFormatError(path: filePath, message: "Cannot write dataset '\(childPath(name))' to '\(filePath)': shape \(shape) needs \(shape.allSatisfy { $0 >= 0 } ? String(expected) : "non-negative sizes and") values but \(values.count) were given.")
        }
        try HDF5Library.perform {
            let dimensions = shape.map { hsize_t($0) }
            let space = shape.isEmpty ? H5Screate(H5S_SCALAR) : H5Screate_simple(Int32(shape.count), dimensions, nil)
            guard space >= 0 else { throw HDF5Library.failure(filePath, "Cannot describe shape \(shape) for '\(childPath(name))' in '\(filePath)'") }
            defer { H5Sclose(space) }
            let (fileType, ownsType) = storage.fileType()
            defer { if ownsType { H5Tclose(fileType) } }
            let links = tl_h5p_create_intermediate_groups()
            defer { if links >= 0 { H5Pclose(links) } }
            let dataset = H5Dcreate2(handle.identifier, name, fileType, space, links, tl_h5p_default(), tl_h5p_default())
            guard dataset >= 0 else {
                throw HDF5Library.failure(filePath, "Cannot create dataset '\(childPath(name))' in '\(filePath)' (does it exist already?)")
            }
            defer { H5Dclose(dataset) }
            if values.isEmpty { return }
            let status = values.withUnsafeBytes {
                H5Dwrite(dataset, tl_h5t_native_float(), tl_h5s_all(), tl_h5s_all(), tl_h5p_default(), $0.baseAddress)
            }
            guard status >= 0 else {
                throw HDF5Library.failure(filePath, "Cannot write the \(values.count) values of dataset '\(childPath(name))' in '\(filePath)'")
            }
        }
    }

    private func kindHint(_ name: String) -> String {
        switch kind(of: name) {
        case .dataset?: return " (there is a dataset of that name, not a group)"
        case .group?: return " (there is a group of that name, not a dataset)"
        default: return ""
        }
    }
}

/// The element type a dataset is stored with on disk; values are always read and written as `Float`.
public enum HDF5FloatStorage: Equatable {
    /// IEEE 754 half precision, little-endian (NumPy `<f2`); values are rounded to the nearest half.
    case float16
    /// IEEE 754 single precision, little-endian (`<f4`): what Keras writes.
    case float32
    /// IEEE 754 double precision, little-endian (`<f8`).
    case float64

    /// The HDF5 file type, and whether the caller must close it.
    func fileType() -> (hid_t, Bool) {
        switch self {
        case .float16: return (tl_h5t_create_float16le(), true)
        case .float32: return (tl_h5t_ieee_f32le(), false)
        case .float64: return (tl_h5t_ieee_f64le(), false)
        }
    }
}
