/// The random transforms of Keras's (legacy) `ImageDataGenerator`: its augmentation arguments, the draw
/// of one image's parameters (`get_random_transform`) and their application (`apply_transform`).
///
/// Draws come from the `MersenneTwister` (NumPy's legacy generator) in Keras's order, one image after the
/// other: θ ~ U(-rotation, rotation) if rotation_range; tx from height_shift_range; ty from
/// width_shift_range (see `ShiftRange`); shear ~ U(-shear, shear) if shear_range; (zx, zy) ~ U(zoom₀, zoom₁)
/// twice unless zoom_range is [1, 1]; then always two `random_sample()` for the flips (flip when < 0.5 and
/// the flip is enabled); then the channel shift ~ U(-range, range) if channel_shift_range, and the
/// brightness ~ U(low, high) if brightness_range. A seeded flow therefore draws exactly Keras's parameters.
///
/// `apply` runs Keras's steps in Keras's order: the affine transform (`AffineTransformMatrix`,
/// `AffineResampler`), the channel shift, the horizontal then the vertical flip, the brightness.
public struct ImageAugmentation: Equatable, Sendable {
    /// Degrees; θ ~ U(-r, r).
    public var rotationRange: Double
    public var widthShiftRange: ShiftRange
    public var heightShiftRange: ShiftRange
    /// Degrees; shear ~ U(-s, s).
    public var shearRange: Double
    /// (low, high) of the zoom factors; (1, 1) draws nothing.
    public var zoomRange: (low: Double, high: Double)
    public var channelShiftRange: Double
    /// (low, high) of Pillow's brightness factor; nil for none.
    public var brightnessRange: (low: Double, high: Double)?
    public var horizontalFlip: Bool
    public var verticalFlip: Bool
    public var fillMode: FillMode
    public var cval: Double

    /// Every argument as Keras takes it; `zoom` is the float z of `zoom_range=z` ([1-z, 1+z]) unless
    /// `zoomRange` gives the pair. Throws an `AugmentationError` naming the argument at fault.
    public init(rotationRange: Double = 0, widthShiftRange: ShiftRange = .none, heightShiftRange: ShiftRange = .none,
                shearRange: Double = 0, zoom: Double = 0, zoomRange: (low: Double, high: Double)? = nil,
                channelShiftRange: Double = 0, brightnessRange: (low: Double, high: Double)? = nil,
                horizontalFlip: Bool = false, verticalFlip: Bool = false,
                fillMode: FillMode = .nearest, cval: Double = 0) throws {
        for (name, value) in [("rotation_range", rotationRange), ("shear_range", shearRange), ("zoom_range", zoom),
                              ("channel_shift_range", channelShiftRange), ("cval", cval)] {
            guard value.isFinite else { throw AugmentationError.notFinite(argument: name, value: value) }
            guard value >= 0 || name == "cval" else { throw AugmentationError.negativeRange(argument: name, value: value) }
        }
        let zooms = zoomRange ?? (1 - zoom, 1 + zoom)
        guard zooms.low.isFinite, zooms.high.isFinite, zooms.low > 0, zooms.low <= zooms.high else {
            throw AugmentationError.invalidZoomRange(low: zooms.low, high: zooms.high)
        }
        if let b = brightnessRange {
            guard b.low.isFinite, b.high.isFinite, b.low >= 0, b.low <= b.high else {
                throw AugmentationError.invalidBrightnessRange(low: b.low, high: b.high)
            }
        }
        self.rotationRange = rotationRange
        self.widthShiftRange = try widthShiftRange.validated(argument: "width_shift_range")
        self.heightShiftRange = try heightShiftRange.validated(argument: "height_shift_range")
        self.shearRange = shearRange
        self.zoomRange = zooms
        self.channelShiftRange = channelShiftRange
        self.brightnessRange = brightnessRange
        self.horizontalFlip = horizontalFlip
        self.verticalFlip = verticalFlip
        self.fillMode = fillMode
        self.cval = cval
    }

    /// Keras's `get_random_transform(img_shape)` for an image of `height` x `width`.
    public func randomParameters(height: Int, width: Int, random: inout MersenneTwister) -> AugmentationParameters {
        var p = AugmentationParameters()
        if rotationRange != 0 { p.theta = random.uniform(-rotationRange, rotationRange) }
        if heightShiftRange.isActive { p.tx = heightShiftRange.draw(size: height, random: &random) }
        if widthShiftRange.isActive { p.ty = widthShiftRange.draw(size: width, random: &random) }
        if shearRange != 0 { p.shear = random.uniform(-shearRange, shearRange) }
        if !(zoomRange.low == 1 && zoomRange.high == 1) {
            p.zx = random.uniform(zoomRange.low, zoomRange.high)
            p.zy = random.uniform(zoomRange.low, zoomRange.high)
        }
        // Drawn even when the flip is off, as Keras does: `(np.random.random() < 0.5) * self.horizontal_flip`.
        p.flipHorizontal = random.nextDouble() < 0.5 && horizontalFlip
        p.flipVertical = random.nextDouble() < 0.5 && verticalFlip
        if channelShiftRange != 0 { p.channelShiftIntensity = random.uniform(-channelShiftRange, channelShiftRange) }
        if let b = brightnessRange { p.brightness = random.uniform(b.low, b.high) }
        return p
    }

    /// Keras's `apply_transform(x, parameters)`.
    public func apply(_ p: AugmentationParameters, to image: FloatImage) -> FloatImage {
        var out = image
        if let matrix = AffineTransformMatrix(parameters: p, height: image.height, width: image.width) {
            out = AffineResampler.transform(image, matrix: matrix, fillMode: fillMode, cval: cval)
        }
        if let intensity = p.channelShiftIntensity { PixelAdjustments.shiftChannels(&out, intensity: intensity) }
        if p.flipHorizontal { PixelAdjustments.flipHorizontally(&out) }
        if p.flipVertical { PixelAdjustments.flipVertically(&out) }
        if let factor = p.brightness { PixelAdjustments.adjustBrightness(&out, factor: factor) }
        return out
    }

    /// A random transform of `image`: `apply(randomParameters(...), to: image)`.
    public func randomTransform(_ image: FloatImage, random: inout MersenneTwister) -> FloatImage {
        apply(randomParameters(height: image.height, width: image.width, random: &random), to: image)
    }

    public static func == (a: ImageAugmentation, b: ImageAugmentation) -> Bool {
        a.rotationRange == b.rotationRange && a.widthShiftRange == b.widthShiftRange
            && a.heightShiftRange == b.heightShiftRange && a.shearRange == b.shearRange
            && a.zoomRange == b.zoomRange && a.channelShiftRange == b.channelShiftRange
            && a.brightnessRange?.low == b.brightnessRange?.low && a.brightnessRange?.high == b.brightnessRange?.high
            && a.horizontalFlip == b.horizontalFlip && a.verticalFlip == b.verticalFlip
            && a.fillMode == b.fillMode && a.cval == b.cval
    }
}
