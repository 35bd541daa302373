/// Resizes `image` to `width` x `height` as Pillow's `Image.resize((width, height), filter)` does.
/// An image already of that size is returned unchanged (Keras skips the resize then too).
public func resize(_ image: RGBImage, width: Int, height: Int, interpolation: Interpolation) throws -> RGBImage {
    guard width > 0, height > 0 else { throw ImageError.invalidTargetSize(height: height, width: width) }
    if image.width == width && image.height == height { return image }
    guard image.width > 0, image.height > 0 else {
        // Nothing to sample from; the decoders never produce such an image, but a caller might.
        return RGBImage(width: width, height: height, pixels: [UInt8](repeating: 0, count: width * height * 3))
    }
    guard let filter = interpolation.filter else { return NearestResize.resize(image, width: width, height: height) }
    return Resampler.resize(image, width: width, height: height, filter: filter)
}

/// Keras's `load_img(path, target_size=..., interpolation=...)` in RGB mode: decodes the file and, when
/// `targetSize` is given and differs, resizes it with Pillow's arithmetic. `targetSize` is
/// (height, width), as in Keras.
public func loadImage(path: String, targetSize: (height: Int, width: Int)?,
                      interpolation: String = "nearest") throws -> RGBImage {
    let method = try Interpolation(kerasName: interpolation)
    return try loadImage(path: path, targetSize: targetSize, interpolation: method)
}

/// `loadImage(path:targetSize:interpolation:)` with the interpolation already parsed.
public func loadImage(path: String, targetSize: (height: Int, width: Int)?,
                      interpolation: Interpolation) throws -> RGBImage {
    if let size = targetSize, size.height <= 0 || size.width <= 0 {
        throw ImageError.invalidTargetSize(height: size.height, width: size.width)
    }
    let image = try ImageDecoder.decode(path: path)
    guard let size = targetSize else { return image }
    return try resize(image, width: size.width, height: size.height, interpolation: interpolation)
}
