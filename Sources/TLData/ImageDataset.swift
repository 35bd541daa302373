import Foundation
import TLTensor

/// The colour modes of `image_dataset_from_directory`: how many channels each image gets.
public enum DatasetColorMode: String, Sendable {
    case rgb, grayscale, rgba

    public var channels: Int {
        switch self {
        case .rgb: return 3
        case .grayscale: return 1
        case .rgba: return 4
        }
    }
}

/// `label_mode`: int (class index), binary (float 0/1, shape (n, 1)), categorical (one-hot) or none.
public enum DatasetLabelMode: String, Sendable {
    case int, binary, categorical
}

/// What `image_dataset_from_directory` returns: batches of float32 0..255 images (resized bilinearly
/// as TensorFlow does) and their labels, in the index's order; a training set with `shuffle` reorders
/// its files each pass through a shuffle buffer of `batch_size * 8`, TensorFlow's algorithm with tl's
/// random stream (TensorFlow's own generator is not reproduced, so the order within an epoch differs
/// from Keras's while the files of each subset are the same).
public final class ImageDataset: @unchecked Sendable {
    public let index: ImageDatasetIndex
    public let imageSize: (height: Int, width: Int)
    public let batchSize: Int
    public let colorMode: DatasetColorMode
    public let labelMode: DatasetLabelMode?
    public let cropToAspectRatio: Bool
    /// The seed of the per-pass shuffle, or nil for the index's order every pass.
    public let shuffleSeed: UInt32?
    /// Keeps decoded images after their first load (`dataset.cache()`).
    public var caching = false
    private var cache: [Int: [Float]] = [:]
    private let lock = NSLock()

    public init(index: ImageDatasetIndex, imageSize: (height: Int, width: Int), batchSize: Int, colorMode: DatasetColorMode = .rgb,
                labelMode: DatasetLabelMode?, cropToAspectRatio: Bool = false, shuffleSeed: UInt32?) throws {
        guard imageSize.height > 0, imageSize.width > 0 else {
            throw DatasetError("image_size must be two positive integers, got (\(imageSize.height), \(imageSize.width))")
        }
        guard batchSize > 0 else { throw DatasetError("batch_size must be at least 1, got \(batchSize)") }
        if labelMode == .binary && index.classNames.count != 2 {
            throw DatasetError("When passing `label_mode=\"binary\"`, there must be exactly 2 class_names. Received: class_names=\(index.classNames)")
        }
        self.index = index
        self.imageSize = imageSize
        self.batchSize = batchSize
        self.colorMode = colorMode
        self.labelMode = labelMode
        self.cropToAspectRatio = cropToAspectRatio
        self.shuffleSeed = shuffleSeed
    }

    public var count: Int { index.paths.count }
    public var batchesPerPass: Int { (count + batchSize - 1) / batchSize }
    public var sampleShape: [Int] { [imageSize.height, imageSize.width, colorMode.channels] }

    /// The file order of pass `pass` (0 first).
    public func order(pass: Int) -> [Int] {
        guard let shuffleSeed else { return Array(0..<count) }
        var generator = MersenneTwister(seed: shuffleSeed &+ UInt32(truncatingIfNeeded: pass))
        return Self.bufferShuffle(count: count, bufferSize: batchSize * 8, using: &generator)
    }

    /// `tf.data.Dataset.shuffle(buffer_size)`: fill a buffer, emit a random element of it and put the next
    /// input in its place; once the input is exhausted, drain the buffer at random.
    static func bufferShuffle(count: Int, bufferSize: Int, using generator: inout MersenneTwister) -> [Int] {
        var buffer = Array(0..<min(bufferSize, count))
        var next = buffer.count
        var result: [Int] = []
        result.reserveCapacity(count)
        while !buffer.isEmpty {
            let pick = generator.randomInterval(buffer.count - 1)
            result.append(buffer[pick])
            if next < count {
                buffer[pick] = next
                next += 1
            } else {
                buffer.swapAt(pick, buffer.count - 1)
                buffer.removeLast()
            }
        }
        return result
    }

    /// The images (n, height, width, channels) and labels of the files at `positions` of the index.
    public func batch(_ positions: [Int]) throws -> (images: Tensor, labels: Tensor?) {
        let size = imageSize.height * imageSize.width * colorMode.channels
        var images = [Float](repeating: 0, count: positions.count * size)
        var failures = [Error?](repeating: nil, count: positions.count)
        let loaded = UnsafeMutableBufferPointer<[Float]>.allocate(capacity: positions.count)
        loaded.initialize(repeating: [])
        defer { loaded.deallocate() }
        failures.withUnsafeMutableBufferPointer { errors in
            DispatchQueue.concurrentPerform(iterations: positions.count) { i in
                do { loaded[i] = try self.image(at: positions[i]) } catch { errors[i] = error }
            }
        }
        if let failure = failures.compactMap({ $0 }).first { throw failure }
        for i in 0..<positions.count { images.replaceSubrange((i * size)..<((i + 1) * size), with: loaded[i]) }
        let tensor = Tensor(shape: [positions.count] + sampleShape, scalars: images)
        return (tensor, labels(positions))
    }

    private func labels(_ positions: [Int]) -> Tensor? {
        guard let labelMode, !index.labels.isEmpty else { return nil }
        let classes = positions.map { index.labels[$0] }
        switch labelMode {
        case .int: return Tensor(shape: [classes.count], scalars: classes.map(Float.init))
        case .binary: return Tensor(shape: [classes.count, 1], scalars: classes.map(Float.init))
        case .categorical:
            let width = index.classNames.count
            var scalars = [Float](repeating: 0, count: classes.count * width)
            for (i, label) in classes.enumerated() { scalars[i * width + label] = 1 }
            return Tensor(shape: [classes.count, width], scalars: scalars)
        }
    }

    /// One file decoded, converted to the colour mode, cropped when asked and resized.
    public func image(at position: Int) throws -> [Float] {
        if caching {
            lock.lock()
            let hit = cache[position]
            lock.unlock()
            if let hit { return hit }
        }
        let decoded = try ImageDecoder.decodeFile(path: index.paths[position])
        let pixels = try Self.prepare(decoded.image, colorMode: colorMode, size: imageSize, crop: cropToAspectRatio,
                                      format: decoded.format)
        if caching {
            lock.lock()
            cache[position] = pixels
            lock.unlock()
        }
        return pixels
    }

    /// Converts to the colour mode and resizes as `load_image` does (crop first with `crop`); `format`
    /// is the file's, whose decoder TensorFlow asks for grey.
    public static func prepare(_ image: RGBImage, colorMode: DatasetColorMode, size: (height: Int, width: Int),
                               crop: Bool, format: ImageFileFormat = .png) throws -> [Float] {
        var pixels = channels(of: image, colorMode: colorMode, format: format)
        var width = image.width, height = image.height
        let channelCount = colorMode.channels
        if crop {
            let window = BilinearResize.centredCrop(width: width, height: height, targetWidth: size.width, targetHeight: size.height)
            pixels = BilinearResize.crop(pixels, width: width, channels: channelCount, window: window)
            width = window.width
            height = window.height
        }
        guard width > 0, height > 0 else { throw DatasetError("image of \(image.width)x\(image.height) pixels cannot be resized") }
        return BilinearResize.resize(pixels, width: width, height: height, channels: channelCount,
                                     outWidth: size.width, outHeight: size.height)
    }

    /// RGB bytes as float channels: grayscale as ITU-R 601 luma in the decoders' fixed point (libpng's
    /// `rgb_to_gray(0.299, 0.587)` truncating, as TensorFlow asks it for PNGs; libjpeg's rounding for the
    /// others, which equals a JPEG's decoded luma to within 1), RGBA with an opaque alpha (the decoders
    /// drop transparency).
    static func channels(of image: RGBImage, colorMode: DatasetColorMode, format: ImageFileFormat = .png) -> [Float] {
        let rgb = image.pixels
        switch colorMode {
        case .rgb: return rgb.map(Float.init)
        case .grayscale:
            return (0..<(image.width * image.height)).map { i in
                let r = Int(rgb[3 * i]), g = Int(rgb[3 * i + 1]), b = Int(rgb[3 * i + 2])
                if format == .png { return Float(r == g && g == b ? r : (9797 * r + 19234 * g + 3737 * b) >> 15) }
                return Float((19595 * r + 38470 * g + 7471 * b + 32768) >> 16)
            }
        case .rgba:
            var out = [Float](repeating: 255, count: image.width * image.height * 4)
            for i in 0..<(image.width * image.height) {
                for c in 0..<3 { out[4 * i + c] = Float(rgb[3 * i + c]) }
            }
            return out
        }
    }
}
