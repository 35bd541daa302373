/// Pillow's nearest-neighbour resize (`ImagingScaleAffine` behind `Image.resize(..., NEAREST)`).
///
/// Per axis, with s = in / out in double precision, the sample position starts at s/2 and grows by s for
/// each output pixel; the source index is that position truncated. Accumulating (rather than computing
/// floor((x + 0.5) s) afresh) is what Pillow does, and the rounding of the running sum is visible:
/// for 128 -> 150 the two formulas differ at column 37.
enum NearestResize {
    /// Source index for each output index along one axis.
    static func sourceIndices(inputSize: Int, outputSize: Int) -> [Int] {
        let step = Double(inputSize) / Double(outputSize)
        var position = step * 0.5
        var indices = [Int](repeating: 0, count: outputSize)
        for i in 0..<outputSize {
            // Truncation toward zero; positions are never negative here. Clamp guards the last
            // pixel against a running sum that lands exactly on inputSize.
            indices[i] = min(Int(position), inputSize - 1)
            position += step
        }
        return indices
    }

    static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        let columns = sourceIndices(inputSize: image.width, outputSize: width)
        let rows = sourceIndices(inputSize: image.height, outputSize: height)
        var out = [UInt8](repeating: 0, count: width * height * 3)
        image.pixels.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for y in 0..<height {
                    let sourceRow = rows[y] * image.width * 3
                    let targetRow = y * width * 3
                    for x in 0..<width {
                        let s = sourceRow + columns[x] * 3
                        let d = targetRow + x * 3
                        dst[d] = src[s]
                        dst[d + 1] = src[s + 1]
                        dst[d + 2] = src[s + 2]
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}
