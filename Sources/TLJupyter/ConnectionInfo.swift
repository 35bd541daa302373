import Foundation

/// What Jupyter passes a kernel in its connection file: where to bind the five channels and the key
/// that signs every message.
public struct ConnectionInfo: Equatable {
    public var transport: String
    public var ip: String
    public var shellPort: Int
    public var iopubPort: Int
    public var stdinPort: Int
    public var controlPort: Int
    public var heartbeatPort: Int
    /// The HMAC key; empty means messages are not signed.
    public var key: String
    public var signatureScheme: String

    /// Reads and checks a connection file; every error names the file and, when one is at fault, the field.
    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw JupyterError("cannot read the connection file '\(path)': no such file or no permission")
        }
        let json = try JSON(parsing: data, what: "the connection file '\(path)'")
        guard case .object(let fields) = json else {
            throw JupyterError("the connection file '\(path)' must hold a JSON object, not \(json)")
        }
        func field<T>(_ name: String, _ kind: String, _ read: (JSON) -> T?) throws -> T {
            guard let value = fields[name] else {
                throw JupyterError("the connection file '\(path)' has no '\(name)' field")
            }
            guard let converted = read(value) else {
                throw JupyterError("the connection file '\(path)': field '\(name)' must be \(kind), not \(String(decoding: value.serialized, as: UTF8.self))")
            }
            return converted
        }
        func port(_ name: String) throws -> Int {
            let number = try field(name, "a port number", \.intValue)
            guard (0...65535).contains(number) else {
                throw JupyterError("the connection file '\(path)': field '\(name)' must be a port number (0-65535), not \(number)")
            }
            return number
        }
        transport = try fields["transport"] == nil ? "tcp" : field("transport", "\"tcp\" or \"ipc\"") { json in
            json.stringValue.flatMap { ["tcp", "ipc"].contains($0) ? $0 : nil }
        }
        ip = try field("ip", "an address string", \.stringValue)
        shellPort = try port("shell_port")
        iopubPort = try port("iopub_port")
        stdinPort = try port("stdin_port")
        controlPort = try port("control_port")
        heartbeatPort = try port("hb_port")
        key = try fields["key"] == nil ? "" : field("key", "a string", \.stringValue)
        signatureScheme = try fields["signature_scheme"] == nil ? "hmac-sha256" : field("signature_scheme", "\"hmac-sha256\"") { json in
            json.stringValue == "hmac-sha256" ? "hmac-sha256" : nil
        }
    }

    /// The ZeroMQ address of a channel: `tcp://127.0.0.1:5555`, or `ipc://path-5555` for the ipc transport.
    public func endpoint(port: Int) -> String {
        transport == "ipc" ? "ipc://\(ip)-\(port)" : "tcp://\(ip):\(port)"
    }
}
