import CZeroMQ
import Foundation
import Glibc

/// One ZeroMQ context: owns the I/O thread every socket of the kernel shares.
final class ZMQContext: @unchecked Sendable {
    let handle: UnsafeMutableRawPointer

    init() throws {
        guard let handle = zmq_ctx_new() else { throw ZMQSocket.lastError("create a ZeroMQ context") }
        self.handle = handle
    }

    deinit { zmq_ctx_term(handle) }
}

/// A ZeroMQ socket sending and receiving multipart messages (one `Data` per frame).
///
/// ZeroMQ sockets are not thread-safe: each is used by one thread, except where a caller serialises
/// access (the kernel's iopub publisher holds a lock).
final class ZMQSocket: @unchecked Sendable {
    enum Kind {
        case router, publisher, reply

        var zmqType: Int32 {
            switch self {
            case .router: return ZMQ_ROUTER
            case .publisher: return ZMQ_PUB
            case .reply: return ZMQ_REP
            }
        }
    }

    private let handle: UnsafeMutableRawPointer
    private let context: ZMQContext   // kept alive as long as the socket

    init(_ kind: Kind, context: ZMQContext) throws {
        guard let handle = zmq_socket(context.handle, kind.zmqType) else { throw ZMQSocket.lastError("create a ZeroMQ socket") }
        self.handle = handle
        self.context = context
        // Unsent replies get one second to leave when the kernel shuts down, never an endless wait.
        var linger: Int32 = 1000
        zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
    }

    deinit { zmq_close(handle) }

    /// Binds to `endpoint` (`tcp://127.0.0.1:5555`).
    func bind(_ endpoint: String) throws {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQSocket.lastError("bind \(endpoint)") }
    }

    /// Sends every frame as one message. Retries when a signal (Ctrl-C, an interrupt) cuts a send short.
    func send(_ frames: [Data]) throws {
        for (index, frame) in frames.enumerated() {
            let flags = index < frames.count - 1 ? ZMQ_SNDMORE : 0
            while true {
                let sent = frame.withUnsafeBytes { zmq_send(handle, $0.baseAddress, frame.count, flags) }
                if sent >= 0 { break }
                if zmq_errno() == EINTR { continue }
                throw ZMQSocket.lastError("send a message")
            }
        }
    }

    /// Waits for the next multipart message; nil when `timeout` (milliseconds, -1 for ever) passes first.
    /// Signals do not end the wait early.
    func receive(timeout: Int32 = -1) throws -> [Data]? {
        let deadline = Date().addingTimeInterval(Double(timeout) / 1000)
        while true {
            let remaining = timeout < 0 ? -1 : Int(max(0, deadline.timeIntervalSinceNow * 1000))
            var item = zmq_pollitem_t(socket: handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
            let ready = zmq_poll(&item, 1, remaining)
            if ready < 0 {
                if zmq_errno() == EINTR { continue }
                throw ZMQSocket.lastError("wait for a message")
            }
            if ready == 0 { return nil }
            return try receiveReady()
        }
    }

    /// Reads a message known to be waiting, frame by frame.
    private func receiveReady() throws -> [Data] {
        var frames: [Data] = []
        while true {
            var message = zmq_msg_t()
            zmq_msg_init(&message)
            defer { zmq_msg_close(&message) }
            while zmq_msg_recv(&message, handle, 0) < 0 {
                if zmq_errno() == EINTR { continue }
                throw ZMQSocket.lastError("receive a message")
            }
            let size = zmq_msg_size(&message)
            frames.append(size == 0 ? Data() : Data(bytes: zmq_msg_data(&message), count: size))
            if zmq_msg_more(&message) == 0 { return frames }
        }
    }

    static func lastError(_ action: String) -> JupyterError {
        JupyterError("cannot \(action): \(String(cString: zmq_strerror(zmq_errno())))")
    }
}
