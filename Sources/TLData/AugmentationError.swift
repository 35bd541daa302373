/// Why augmentation settings were refused. Every message names the `image_data_generator` argument and
/// says what it accepts.
public enum AugmentationError: Error, Equatable, CustomStringConvertible {
    /// A range that must not be negative (`rotation_range`, `shear_range`, `channel_shift_range`, ...).
    case negativeRange(argument: String, value: Double)
    /// `zoom_range` as a pair whose bounds are not 0 < low <= high.
    case invalidZoomRange(low: Double, high: Double)
    /// `brightness_range` whose bounds are not 0 <= low <= high.
    case invalidBrightnessRange(low: Double, high: Double)
    /// A shift range given as an empty list of choices.
    case emptyShiftChoices(argument: String)
    /// A `fill_mode` Keras does not know.
    case unknownFillMode(String)
    /// A `preprocessing_function` name tl does not know.
    case unknownPreprocessingFunction(String)
    /// A value that is not a finite number.
    case notFinite(argument: String, value: Double)

    public var description: String {
        switch self {
        case let .negativeRange(argument, value):
            return "\(argument) must be 0 or more, got \(value). Give the largest change to draw, e.g. \(argument)=0.2."
        case let .invalidZoomRange(low, high):
            return "zoom_range (\(low), \(high)) is not valid: give a float z for [1-z, 1+z] (0 <= z < 1) "
                + "or a pair (low, high) with 0 < low <= high, e.g. zoom_range=(0.8, 1.2)."
        case let .invalidBrightnessRange(low, high):
            return "brightness_range (\(low), \(high)) is not valid: give a pair (low, high) with 0 <= low <= high, "
                + "e.g. brightness_range=(0.8, 1.2) (1.0 keeps the brightness)."
        case let .emptyShiftChoices(argument):
            return "\(argument) is an empty list: give a fraction of the size (0.2), a number of pixels (20) "
                + "or a non-empty list of choices ([-10, 0, 10])."
        case let .unknownFillMode(name):
            return "unknown fill_mode \"\(name)\": use one of "
                + FillMode.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") + "."
        case let .unknownPreprocessingFunction(name):
            return "unknown preprocessing_function \"\(name)\": use one of "
                + PreprocessingFunction.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ") + "."
        case let .notFinite(argument, value):
            return "\(argument) must be a finite number, got \(value)."
        }
    }
}
