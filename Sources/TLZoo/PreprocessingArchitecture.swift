import Foundation
import TLNN

/// How model files record the preprocessing and augmentation layers (Keras's class names and config
/// keys), for ``ModelArchitecture``. Normalization keeps its statistics in its config (`mean`,
/// `variance`), so an adapted layer loads as it was saved.
enum PreprocessingArchitecture {
    static func describe(_ layer: Layer) -> (className: String, config: [String: Any])? {
        switch layer {
        case let rescaling as Rescaling:
            return ("Rescaling", ["scale": Double(rescaling.scale), "offset": Double(rescaling.offset)])
        case let resizing as Resizing where resizing.centerCrop:
            return ("CenterCrop", ["height": resizing.height, "width": resizing.width])
        case let resizing as Resizing:
            return ("Resizing", ["height": resizing.height, "width": resizing.width, "interpolation": "bilinear",
                                 "crop_to_aspect_ratio": resizing.cropToAspectRatio])
        case let normalization as Normalization:
            var config: [String: Any] = ["axis": -1]
            if let mean = normalization.mean, let variance = normalization.variance {
                config["mean"] = mean.map(Double.init)
                config["variance"] = variance.map(Double.init)
            }
            return ("Normalization", config)
        case let flip as RandomFlip:
            let mode = flip.horizontal && flip.vertical ? "horizontal_and_vertical" : flip.horizontal ? "horizontal" : "vertical"
            return ("RandomFlip", ["mode": mode])
        case let contrast as RandomContrast:
            return ("RandomContrast", ["factor": [Double(contrast.lower), Double(contrast.upper)]])
        case let brightness as RandomBrightness:
            return ("RandomBrightness", ["factor": [Double(brightness.lower), Double(brightness.upper)],
                                         "value_range": [Double(brightness.valueRange.0), Double(brightness.valueRange.1)]])
        case let affine as RandomAffineLayer:
            return describeAffine(affine)
        default:
            return nil
        }
    }

    private static func describeAffine(_ layer: RandomAffineLayer) -> (className: String, config: [String: Any])? {
        var config: [String: Any] = ["fill_mode": layer.fillMode.rawValue, "interpolation": layer.nearest ? "nearest" : "bilinear",
                                     "fill_value": Double(layer.fillValue)]
        func pair(_ range: (Float, Float)) -> [Double] { [Double(range.0), Double(range.1)] }
        switch layer {
        case let rotation as RandomRotation:
            config["factor"] = pair((rotation.lower, rotation.upper))
            return ("RandomRotation", config)
        case let zoom as RandomZoom:
            config["height_factor"] = pair(zoom.heightRange)
            config["width_factor"] = zoom.widthRange.map(pair) ?? NSNull()
            return ("RandomZoom", config)
        case let translation as RandomTranslation:
            config["height_factor"] = pair(translation.heightRange)
            config["width_factor"] = pair(translation.widthRange)
            return ("RandomTranslation", config)
        default:
            return nil
        }
    }

    /// The layer a description records, or nil when `className` is not a preprocessing layer.
    static func make(className: String, config: [String: Any], name: String, source: String) throws -> Layer? {
        func number(_ key: String, _ fallback: Double? = nil) throws -> Double {
            if let value = (config[key] as? NSNumber)?.doubleValue { return value }
            if let fallback { return fallback }
            throw ZooError("'\(source)': '\(key)' of layer '\(name)' (\(className)) must be a number")
        }
        func integer(_ key: String) throws -> Int {
            guard let value = config[key] as? Int, value > 0 else {
                throw ZooError("'\(source)': '\(key)' of layer '\(name)' (\(className)) must be a positive integer")
            }
            return value
        }
        func range(_ key: String, symmetric: Bool = true) throws -> (Float, Float) {
            if let values = config[key] as? [NSNumber], values.count == 2 { return (values[0].floatValue, values[1].floatValue) }
            let value = Float(try number(key))
            return symmetric ? (-abs(value), abs(value)) : (value, value)
        }
        let fill = config["fill_mode"] as? String ?? "reflect", interpolation = config["interpolation"] as? String ?? "bilinear"
        switch className {
        case "Rescaling": return Rescaling(scale: Float(try number("scale")), offset: Float(try number("offset", 0)), name: name)
        case "Resizing":
            return try Resizing(height: try integer("height"), width: try integer("width"),
                                cropToAspectRatio: config["crop_to_aspect_ratio"] as? Bool ?? false, name: name)
        case "CenterCrop": return try Resizing(height: try integer("height"), width: try integer("width"), centerCrop: true, name: name)
        case "Normalization":
            let mean = (config["mean"] as? [NSNumber])?.map(\.floatValue), variance = (config["variance"] as? [NSNumber])?.map(\.floatValue)
            return Normalization(mean: mean, variance: variance, name: name)
        case "RandomFlip": return try RandomFlip(mode: config["mode"] as? String ?? "horizontal_and_vertical", name: name)
        case "RandomContrast":
            let factor = try range("factor", symmetric: false)
            return try RandomContrast(lower: factor.0, upper: factor.1, name: name)
        case "RandomBrightness":
            let factor = try range("factor"), bounds = (config["value_range"] as? [NSNumber])?.map(\.floatValue) ?? [0, 255]
            return try RandomBrightness(lower: factor.0, upper: factor.1, valueRange: (bounds[0], bounds[bounds.count - 1]), name: name)
        case "RandomRotation":
            let factor = try range("factor")
            return try RandomRotation(lower: factor.0, upper: factor.1, fillMode: fill, interpolation: interpolation,
                                      fillValue: Float(try number("fill_value", 0)), name: name)
        case "RandomZoom":
            let width = config["width_factor"] == nil || config["width_factor"] is NSNull ? nil : try range("width_factor")
            return try RandomZoom(height: try range("height_factor"), width: width, fillMode: fill, interpolation: interpolation,
                                  fillValue: Float(try number("fill_value", 0)), name: name)
        case "RandomTranslation":
            return try RandomTranslation(height: try range("height_factor"), width: try range("width_factor"), fillMode: fill,
                                         interpolation: interpolation, fillValue: Float(try number("fill_value", 0)), name: name)
        default:
            return nil
        }
    }
}
