// How the core calls libcrypto: initialisation without the host's openssl.cnf (a static binary
// must not depend on it), and the one helper that turns a failed call into `.crypto` keeping
// OpenSSL's own error code.
import CLibCrypto

enum OpenSSL {
    /// Runs once per process before the first libcrypto call.
    static let initialized: Bool = lobot_openssl_init() == 1

    /// Throws `.crypto(operation, ERR_get_error())` unless `ok`; clears the rest of the queue.
    @inline(__always)
    static func check(_ ok: Bool, _ operation: String) throws(LoBotError) {
        if ok { return }
        let code = ERR_get_error()
        ERR_clear_error()
        throw .crypto(operation: operation, code: UInt(code))
    }

    /// Runs a d2i_* decoder over `der` and refuses anything it leaves unread; the object is
    /// freed with `free` when refused.
    static func decodeDER(
        _ der: [UInt8], what: String, free: (OpaquePointer) -> Void,
        _ decode: (inout UnsafePointer<UInt8>?, Int) -> OpaquePointer?
    ) throws(LoBotError) -> OpaquePointer {
        _ = initialized
        var consumed = 0
        let made: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var pointer: UnsafePointer<UInt8>? = buffer.baseAddress
            let object = decode(&pointer, buffer.count)
            if let pointer, let base = buffer.baseAddress { consumed = base.distance(to: pointer) }
            return object
        }
        guard let made else {
            let code = ERR_get_error()
            ERR_clear_error()
            throw .crypto(operation: "read \(what)", code: UInt(code))
        }
        guard consumed == der.count else {
            free(made)
            throw .invalidArgument("\(what) has \(der.count - consumed) trailing bytes")
        }
        return made
    }

    /// `check(result == 1, ...)`, the common libcrypto convention.
    @inline(__always)
    static func checkOne(_ result: Int32, _ operation: String) throws(LoBotError) {
        try check(result == 1, operation)
    }
}

/// libcrypto for a C library outside the core that calls it itself (libtpms, under LoBotGuestTPM):
/// initialised as the core does it, so that the digests it looks up by name are registered.
public enum LibCrypto {
    public static func initialize() throws(LoBotError) {
        try OpenSSL.check(OpenSSL.initialized, "initialise libcrypto")
    }
}

/// Overwrites `bytes` with zeros in a way the optimiser may not remove, then empties it.
public func wipe(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { buf in
        if let base = buf.baseAddress { OPENSSL_cleanse(base, buf.count) }
    }
    bytes.removeAll()
}
