/// A per-image random transform (augmentation), applied after the resize and before `rescale`, as Keras's
/// `ImageDataGenerator.apply_transform` is applied before `standardize`.
///
/// It receives the image (Float, 0...255, HWC), the sample's index in the iterator's `filenames`, and the
/// iterator's generator: the NumPy-compatible stream Keras's own transforms draw from (seeded with
/// `seed + total_batches_seen` before each batch, after the epoch's permutation), so a transform that draws
/// what Keras draws, in the same order, reproduces Keras's augmentation. It must return an image of the same
/// size.
public typealias ImageTransform = @Sendable (_ image: FloatImage, _ sampleIndex: Int,
                                             _ random: inout MersenneTwister) throws -> FloatImage

/// The settings of Keras's `ImageDataGenerator` that tl supports so far.
public struct ImageDataGeneratorConfig: Sendable {
    /// Multiplies every value after the transform (Keras `rescale`, e.g. 1/255); nil or 0 leaves values alone.
    public var rescale: Float?
    /// Random per-image transform (augmentation); nil for none.
    public var transform: ImageTransform?

    public init(rescale: Float? = nil, transform: ImageTransform? = nil) {
        self.rescale = rescale
        self.transform = transform
    }
}
