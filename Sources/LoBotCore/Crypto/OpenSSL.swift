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

    /// `check(result == 1, ...)`, the common libcrypto convention.
    @inline(__always)
    static func checkOne(_ result: Int32, _ operation: String) throws(LoBotError) {
        try check(result == 1, operation)
    }
}

/// Overwrites `bytes` with zeros in a way the optimiser may not remove, then empties it.
public func wipe(_ bytes: inout [UInt8]) {
    bytes.withUnsafeMutableBytes { buf in
        if let base = buf.baseAddress { OPENSSL_cleanse(base, buf.count) }
    }
    bytes.removeAll()
}
