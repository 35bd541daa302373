/// A per-image transform hook, applied after the resize and the built-in augmentation, before the
/// `preprocessing` function and `rescale`, as Keras's `ImageDataGenerator.apply_transform` is applied
/// before `standardize`.
///
/// It receives the image (Float, 0...255, HWC), the sample's index in the iterator's `filenames`, and the
/// iterator's generator: the NumPy-compatible stream Keras's own transforms draw from (seeded with
/// `seed + total_batches_seen` before each batch, after the epoch's permutation and the batch's
/// augmentation draws), so a transform that draws what Keras draws, in the same order, reproduces Keras's
/// augmentation. It must return an image of the same size. The hook is called on the thread that asks for
/// the batch, in the batch's order; a flow with a hook therefore prepares its batches when asked (decoding
/// still runs in parallel) instead of ahead on background threads.
public typealias ImageTransform = @Sendable (_ image: FloatImage, _ sampleIndex: Int,
                                             _ random: inout MersenneTwister) throws -> FloatImage

/// The settings of Keras's `ImageDataGenerator` that tl supports. Per image, in Keras's order: the random
/// `augmentation`, the `transform` hook, then `standardize`: the `preprocessing` function, then `rescale`.
public struct ImageDataGeneratorConfig: Sendable {
    /// Multiplies every value after the transform (Keras `rescale`, e.g. 1/255); nil or 0 leaves values alone.
    public var rescale: Float?
    /// Keras's random transforms (rotation, shifts, shear, zoom, flips, ...); nil draws nothing.
    public var augmentation: ImageAugmentation?
    /// Keras's `preprocessing_function`, by name; nil for none.
    public var preprocessing: PreprocessingFunction?
    /// Per-image transform hook for engine code; nil for none.
    public var transform: ImageTransform?
    /// Keras's `validation_split`: the share of each class (or of an array) that `subset: .validation`
    /// takes, the rest going to `.training`; 0 for no split.
    public var validationSplit: Double

    public init(rescale: Float? = nil, augmentation: ImageAugmentation? = nil,
                preprocessing: PreprocessingFunction? = nil, transform: ImageTransform? = nil,
                validationSplit: Double = 0) {
        self.rescale = rescale
        self.augmentation = augmentation
        self.preprocessing = preprocessing
        self.transform = transform
        self.validationSplit = validationSplit
    }

    /// The part of `count` items (in listing order) a subset takes, as Keras cuts it: validation the
    /// first `int(split * count)`, training the rest; everything without a subset.
    public func range(of subset: Subset?, among count: Int) -> Range<Int> {
        guard let subset else { return 0..<count }
        let cut = Int(validationSplit * Double(count))
        return subset == .validation ? 0..<cut : cut..<count
    }

    /// `rescale` when it changes values (Keras skips a rescale of None or 0).
    var effectiveRescale: Float? { rescale == nil || rescale == 0 ? nil : rescale }
}

/// Keras's `subset=` of a flow over a generator with `validation_split`.
public enum Subset: String, Sendable {
    case training, validation
}
