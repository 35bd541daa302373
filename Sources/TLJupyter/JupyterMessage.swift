import Foundation

/// One message of the Jupyter messaging protocol (version 5.3): routing identities, the four JSON
/// parts, and any binary buffers.
struct JupyterMessage {
    static let protocolVersion = "5.3"
    /// Separates the routing identities from the signed parts on the wire.
    static let delimiter = Data("<IDS|MSG>".utf8)

    var identities: [Data]
    var header: JSON
    var parentHeader: JSON
    var metadata: JSON
    var content: JSON
    var buffers: [Data] = []

    var type: String { header["msg_type"]?.stringValue ?? "" }
    var id: String { header["msg_id"]?.stringValue ?? "" }

    /// A new message answering or caused by `parent` (nil for the kernel's own, e.g. the first status).
    init(type: String, content: JSON, parent: JupyterMessage?, session: String, identities: [Data]? = nil) {
        self.identities = identities ?? parent?.identities ?? []
        header = [
            "msg_id": .string(UUID().uuidString.lowercased()),
            "session": .string(session),
            "username": .string(parent?.header["username"]?.stringValue ?? "tl"),
            "date": .string(JupyterMessage.timestamp()),
            "msg_type": .string(type),
            "version": .string(JupyterMessage.protocolVersion),
        ]
        parentHeader = parent?.header ?? [:]
        metadata = [:]
        self.content = content
    }

    /// Decodes the frames of a received message, checking its signature.
    init(frames: [Data], signer: MessageSigner) throws {
        guard let split = frames.firstIndex(of: JupyterMessage.delimiter) else {
            throw JupyterError("a message without the <IDS|MSG> delimiter was ignored")
        }
        guard frames.count >= split + 6 else {
            throw JupyterError("a message with \(frames.count - split - 1) parts after the delimiter (5 needed) was ignored")
        }
        let parts = Array(frames[(split + 2)...(split + 5)])
        guard signer.verify(frames[split + 1], of: parts) else {
            throw JupyterError("a message with a wrong signature was ignored (is the connection file's key the one the client uses?)")
        }
        identities = Array(frames[..<split])
        header = try JSON(parsing: parts[0], what: "a message header")
        parentHeader = try JSON(parsing: parts[1], what: "a message's parent header")
        metadata = try JSON(parsing: parts[2], what: "a message's metadata")
        content = try JSON(parsing: parts[3], what: "a message's content")
        buffers = Array(frames[(split + 6)...])
    }

    /// The frames to send: identities, delimiter, signature, the four JSON parts, buffers.
    func frames(signer: MessageSigner) -> [Data] {
        let parts = [header.serialized, parentHeader.serialized, metadata.serialized, content.serialized]
        return identities + [JupyterMessage.delimiter, Data(signer.signature(of: parts).utf8)] + parts + buffers
    }

    /// ISO 8601 with microseconds and a zone, as Jupyter's clients parse it.
    private static func timestamp() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var seconds = time.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
                      parts.tm_hour, parts.tm_min, parts.tm_sec, Int(time.tv_nsec / 1000))
    }
}
