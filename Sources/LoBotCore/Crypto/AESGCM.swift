// AES-256-GCM, the authenticated encryption of vTPM state files, sealed blobs and protocol
// payloads: 12-byte nonce, 16-byte tag, additional data authenticated but not encrypted.
import CLibCrypto

public enum AESGCM {
    public static let keyLength = 32
    public static let nonceLength = 12
    public static let tagLength = 16

    public struct Sealed: Equatable, Sendable {
        public var ciphertext: [UInt8]
        public var tag: [UInt8]

        public init(ciphertext: [UInt8], tag: [UInt8]) {
            self.ciphertext = ciphertext
            self.tag = tag
        }
    }

    /// One message sealed with `ChunkCipher`, the one GCM implementation: the plaintext copied
    /// into a buffer with room for the tag, encrypted in place.
    public static func seal(
        _ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], aad: [UInt8]
    ) throws(LoBotError) -> Sealed {
        var buffer = plaintext + [UInt8](repeating: 0, count: tagLength)
        try ChunkCipher(key: key, encrypt: true).seal(&buffer, start: 0, count: plaintext.count, nonce: nonce, aad: aad)
        let tag = Array(buffer[plaintext.count...])
        buffer.removeLast(tagLength)
        return Sealed(ciphertext: buffer, tag: tag)
    }

    /// Decrypts and checks the tag; a mismatch throws `.authentication(what)` and no plaintext.
    public static func open(
        _ sealed: Sealed, key: [UInt8], nonce: [UInt8], aad: [UInt8], what: String
    ) throws(LoBotError) -> [UInt8] {
        guard sealed.tag.count == tagLength else { throw .authentication(what: what) }
        var buffer = sealed.ciphertext + sealed.tag
        try ChunkCipher(key: key, encrypt: false).open(
            &buffer, start: 0, count: sealed.ciphertext.count, nonce: nonce, aad: aad, what: what)
        buffer.removeLast(tagLength)
        return buffer
    }

    /// One key for many messages sealed or opened in place in the caller's buffer: a stream's
    /// chunks, each with its own nonce and additional data, without an allocation per chunk.
    public final class ChunkCipher {
        let context: OpaquePointer
        let encrypt: Bool

        public init(key: [UInt8], encrypt: Bool) throws(LoBotError) {
            guard key.count == keyLength else { throw .invalidArgument("AES-256-GCM key must be 32 bytes") }
            _ = OpenSSL.initialized
            guard let ctx = EVP_CIPHER_CTX_new() else { throw .crypto(operation: "allocate a cipher context", code: 0) }
            context = ctx
            self.encrypt = encrypt
            let rc = key.withUnsafeBufferPointer { EVP_CipherInit_ex(ctx, EVP_aes_256_gcm(), nil, $0.baseAddress, nil, encrypt ? 1 : 0) }
            try OpenSSL.checkOne(rc, "start AES-256-GCM")
        }

        /// Frees the context; OpenSSL clears its key schedule.
        deinit { EVP_CIPHER_CTX_free(context) }

        /// Encrypts `buffer[start..<start+count]` in place and writes the tag at `start+count`.
        public func seal(_ buffer: inout [UInt8], start: Int, count: Int, nonce: [UInt8], aad: [UInt8]) throws(LoBotError) {
            guard encrypt else { throw .invalidArgument("AES-GCM context made for opening") }
            try run(&buffer, start: start, count: count, nonce: nonce, aad: aad)
            try withMutableBytes(&buffer) { (raw) throws(LoBotError) in
                let tag = raw.baseAddress! + start + count
                try OpenSSL.checkOne(EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_GET_TAG, Int32(tagLength), tag), "get the AES-GCM tag")
            }
        }

        /// Decrypts `buffer[start..<start+count]` in place and checks the tag found at
        /// `start+count`; a mismatch wipes the bytes decrypted and throws `.authentication(what)`.
        public func open(_ buffer: inout [UInt8], start: Int, count: Int, nonce: [UInt8], aad: [UInt8], what: String)
            throws(LoBotError) {
            guard !encrypt else { throw .invalidArgument("AES-GCM context made for sealing") }
            try withMutableBytes(&buffer) { (raw) throws(LoBotError) in
                let tag = raw.baseAddress! + start + count
                try OpenSSL.checkOne(EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(tagLength), tag), "set the AES-GCM tag")
            }
            do throws(LoBotError) {
                try run(&buffer, start: start, count: count, nonce: nonce, aad: aad)
            } catch {
                for index in start..<start + count { buffer[index] = 0 }
                if case .authentication = error { throw .authentication(what: what) }
                throw error
            }
        }

        /// The nonce set, the additional data taken, the bytes transformed in place, finished
        /// (where opening checks the tag).
        private func run(_ buffer: inout [UInt8], start: Int, count: Int, nonce: [UInt8], aad: [UInt8]) throws(LoBotError) {
            guard nonce.count == nonceLength else { throw .invalidArgument("AES-GCM nonce must be 12 bytes") }
            guard start >= 0, count >= 0, count < Int(Int32.max) - 32, start + count + tagLength <= buffer.count else {
                throw .invalidArgument("AES-GCM chunk outside its buffer")
            }
            let ctx = context
            let reset = nonce.withUnsafeBufferPointer { EVP_CipherInit_ex(ctx, nil, nil, nil, $0.baseAddress, -1) }
            try OpenSSL.checkOne(reset, "set the AES-GCM nonce")
            var outLength: Int32 = 0
            if !aad.isEmpty {
                let rc = aad.withUnsafeBufferPointer { EVP_CipherUpdate(ctx, nil, &outLength, $0.baseAddress, Int32($0.count)) }
                try OpenSSL.checkOne(rc, "authenticate AES-GCM additional data")
            }
            let finished = buffer.withUnsafeMutableBufferPointer { (raw) -> Int32 in
                let bytes = raw.baseAddress! + start
                var length: Int32 = 0
                if count > 0, EVP_CipherUpdate(ctx, bytes, &length, bytes, Int32(count)) != 1 { return -1 }
                return EVP_CipherFinal_ex(ctx, bytes + count, &length)
            }
            if finished == 1 { return }
            ERR_clear_error()
            throw finished == -1 ? .crypto(operation: encrypt ? "encrypt with AES-GCM" : "decrypt with AES-GCM", code: 0)
                : (encrypt ? .crypto(operation: "finish AES-GCM", code: 0) : .authentication(what: "AES-GCM chunk"))
        }
    }
}
