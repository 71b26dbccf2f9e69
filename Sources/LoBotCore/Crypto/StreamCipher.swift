// Authenticated encryption of a stream of any length (an aDom's memory state as qemu writes it,
// its disk image) in chunks of 1 MiB, each AES-256-GCM with its own tag (the STREAM construction
// of Hoang, Reyhanitabar, Rogaway and Vizar). Decryption releases a chunk only after its tag
// verifies, so qemu never reads an unauthenticated byte, and the last chunk is marked, so a
// truncated stream is refused. Chunk n's nonce is the stream's 8-byte prefix || n (big-endian
// UINT32); the additional data is the stream header || n || final flag.
//
//   LoBot stream:  BYTE magic[4] = "LBST";  UINT8 version = 1;  BYTE prefix[8];
//                  { UINT32 length (<= 1 MiB); BYTE ciphertext[length]; BYTE tag[16]; } chunks
//                  (the last chunk, possibly empty, is the one whose additional data says final)

public enum StreamCipher {
    public static let chunkSize = 1 << 20
    static let magic: [UInt8] = Array("LBST".utf8)
    public static let headerSize = 13

    /// Streams `input` (read until end) to `output`, encrypted under `key`; returns the SHA-256
    /// of the whole encrypted stream (what the receiver measures).
    public static func seal(input: Int32, output: Int32, key: [UInt8]) throws(LoBotError) -> [UInt8] {
        let prefix = try SecureRandom.bytes(8)
        let header = magic + [1] + prefix
        let streamHash = try Hasher(.sha256)
        try writeAll(output, header, hashing: streamHash)
        var index: UInt32 = 0
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        var pending = try readChunk(input, into: &chunk)
        while true {
            let current = pending == chunkSize ? chunk : Array(chunk[0..<pending])
            var next = [UInt8](repeating: 0, count: chunkSize)
            let following = pending == chunkSize ? try readChunk(input, into: &next) : 0
            let final = pending < chunkSize || following == 0
            let sealed = try AESGCM.seal(current, key: key, nonce: nonce(prefix, index), aad: aad(header, index, final))
            let length = UInt32(current.count)
            try writeAll(output, [UInt8(length >> 24), UInt8(truncatingIfNeeded: length >> 16), UInt8(truncatingIfNeeded: length >> 8),
                                  UInt8(truncatingIfNeeded: length)], hashing: streamHash)
            try writeAll(output, sealed.ciphertext, hashing: streamHash)
            try writeAll(output, sealed.tag, hashing: streamHash)
            Progress.advance(current.count)
            if final { break }
            guard index < UInt32.max else { throw .invalidArgument("stream longer than 4 PiB") }
            index += 1
            chunk = next
            pending = following
        }
        return try streamHash.finish()
    }

    /// Reads an encrypted stream from `input` and writes the plaintext to `output` chunk by chunk,
    /// each only after its tag verifies.
    public static func open(input: Int32, output: Int32, key: [UInt8], what: String) throws(LoBotError) {
        var header = [UInt8](repeating: 0, count: headerSize)
        guard try readExactly(input, into: &header) == headerSize, Array(header[0..<5]) == magic + [1] else {
            throw .authentication(what: "\(what) (not a LoBot stream)")
        }
        let prefix = Array(header[5..<13])
        var index: UInt32 = 0
        while true {
            var length = [UInt8](repeating: 0, count: 4)
            guard try readExactly(input, into: &length) == 4 else { throw .authentication(what: "\(what) (truncated)") }
            let size = Int(UInt32(length[0]) << 24 | UInt32(length[1]) << 16 | UInt32(length[2]) << 8 | UInt32(length[3]))
            guard size <= chunkSize else { throw .authentication(what: "\(what) (chunk \(index) is too large)") }
            var ciphertext = [UInt8](repeating: 0, count: size)
            var tag = [UInt8](repeating: 0, count: AESGCM.tagLength)
            guard try readExactly(input, into: &ciphertext) == size, try readExactly(input, into: &tag) == tag.count else {
                throw .authentication(what: "\(what) (truncated)")
            }
            let sealed = AESGCM.Sealed(ciphertext: ciphertext, tag: tag)
            // A chunk shorter than full is the last; a full one may be, if the stream ends after it.
            var plain: [UInt8]
            var final = size < chunkSize
            if final {
                plain = try AESGCM.open(sealed, key: key, nonce: nonce(prefix, index), aad: aad(header, index, true), what: what)
            } else if let opened = try? AESGCM.open(sealed, key: key, nonce: nonce(prefix, index), aad: aad(header, index, false), what: what) {
                plain = opened
            } else {
                plain = try AESGCM.open(sealed, key: key, nonce: nonce(prefix, index), aad: aad(header, index, true), what: what)
                final = true
            }
            try writeAll(output, plain, hashing: nil)
            Progress.advance(plain.count)
            wipe(&plain)
            if final {
                var probe = [UInt8](repeating: 0, count: 1)
                guard try readExactly(input, into: &probe) == 0 else { throw .authentication(what: "\(what) (bytes after the final chunk)") }
                return
            }
            guard index < UInt32.max else { throw .authentication(what: what) }
            index += 1
        }
    }

    static func nonce(_ prefix: [UInt8], _ index: UInt32) -> [UInt8] {
        prefix + [UInt8(index >> 24), UInt8(truncatingIfNeeded: index >> 16), UInt8(truncatingIfNeeded: index >> 8), UInt8(truncatingIfNeeded: index)]
    }

    static func aad(_ header: [UInt8], _ index: UInt32, _ final: Bool) -> [UInt8] {
        header + nonce([], index) + [final ? 1 : 0]
    }

    static func readChunk(_ fd: Int32, into buffer: inout [UInt8]) throws(LoBotError) -> Int {
        try RawIO.readFully(fd, into: &buffer)
    }

    static func readExactly(_ fd: Int32, into buffer: inout [UInt8]) throws(LoBotError) -> Int {
        try RawIO.readFully(fd, into: &buffer)
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8], hashing hasher: Hasher?) throws(LoBotError) {
        try hasher?.update(bytes)
        try RawIO.writeAll(fd, bytes)
    }
}
