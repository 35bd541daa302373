/// One image's random transform: the dictionary Keras's `get_random_transform` returns and
/// `apply_transform` reads.
public struct AugmentationParameters: Equatable, Sendable {
    /// Rotation in degrees (counter-clockwise as Keras draws it).
    public var theta: Double
    /// Keras's `tx`: drawn from `height_shift_range` and scaled by the height.
    public var tx: Double
    /// Keras's `ty`: drawn from `width_shift_range` and scaled by the width.
    public var ty: Double
    /// Shear angle in degrees.
    public var shear: Double
    /// Zoom factors of the sampling grid, as in Keras: 1 leaves the image alone, 2 reads every other input
    /// pixel (the picture looks smaller, zoomed out), 0.5 reads each input pixel twice (zoomed in).
    /// `zx` scales the sampling along the columns... after Keras's axis swap; see `AffineTransformMatrix`.
    public var zx: Double
    public var zy: Double
    public var flipHorizontal: Bool
    public var flipVertical: Bool
    /// Added to every channel, then clipped to the image's range; nil: no channel shift.
    public var channelShiftIntensity: Double?
    /// Pillow `ImageEnhance.Brightness` factor; nil: no brightness change.
    public var brightness: Double?

    public init(theta: Double = 0, tx: Double = 0, ty: Double = 0, shear: Double = 0, zx: Double = 1, zy: Double = 1,
                flipHorizontal: Bool = false, flipVertical: Bool = false,
                channelShiftIntensity: Double? = nil, brightness: Double? = nil) {
        self.theta = theta
        self.tx = tx
        self.ty = ty
        self.shear = shear
        self.zx = zx
        self.zy = zy
        self.flipHorizontal = flipHorizontal
        self.flipVertical = flipVertical
        self.channelShiftIntensity = channelShiftIntensity
        self.brightness = brightness
    }

    /// No change at all.
    public static let identity = AugmentationParameters()
}
