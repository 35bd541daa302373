import Foundation
// The value type is TLJSON's, shared with model configurations; the kernel's files name it through this module.
@_exported import TLJSON

/// Reading and writing the Jupyter protocol's and nbformat's JSON.
extension JSON {
    /// Parses JSON text; `what` names the text in the error ("the connection file '/tmp/k.json'").
    public init(parsing data: Data, what: String) throws {
        do {
            self = try JSONDecoder().decode(JSON.self, from: data)
        } catch {
            throw JupyterError("\(what) is not valid JSON: \(JSON.describe(decodingError: error))")
        }
    }

    /// Compact JSON text with sorted keys (byte-stable, so signatures and tests are reproducible).
    public var serialized: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    /// Indented JSON text with sorted keys, as nbformat writes notebooks.
    public var prettyPrinted: Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return (try? encoder.encode(self)) ?? Data("null".utf8)
    }

    /// A decoding error in one line, with the path to the faulty value when Foundation gives it.
    private static func describe(decodingError error: Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context),
             .keyNotFound(_, let context):
            let underlying = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        @unknown default:
            return "\(decoding)"
        }
    }
}

/// A failure of the kernel or of notebook handling, with a message meant for the user.
public struct JupyterError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
