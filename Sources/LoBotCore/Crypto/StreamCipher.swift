// Authenticated encryption of a stream of any length (an aDom's memory state as qemu writes it,
// its disk image) in chunks of 1 MiB, each AES-256-GCM with its own tag (the STREAM construction
// of Hoang, Reyhanitabar, Rogaway and Vizar). Decryption releases a chunk only after its tag
// verifies, so qemu never reads an unauthenticated byte, and the last chunk is marked, so a
// truncated stream is refused. Chunk n's nonce is the stream's 8-byte prefix || n (big-endian
// UINT32); the additional data is the stream header || the stream's name || n || final flag, so
// a stream opened under another name (the disk presented as the memory state: both are sealed
// under the same K) is refused at its first chunk. Each chunk is sealed and opened in place in
// one of two buffers made once: a stream costs no allocation per chunk, and a sealed one a single
// copy, into the aligned buffer its file is written from (SequentialFileWriter).
//
//   LoBot stream:  BYTE magic[4] = "LBST";  UINT8 version = 2;  BYTE prefix[8];
//                  { UINT32 length (<= 1 MiB); BYTE ciphertext[length]; BYTE tag[16]; } chunks
//                  (the last chunk, possibly empty, is the one whose additional data says final)
//   additional data of chunk n:  header[13];  UINT8 nameLength;  BYTE name[nameLength];
//                                UINT32 n;  UINT8 final (1 or 0)
import CLibC

public enum StreamCipher {
    public static let chunkSize = 1 << 20
    static let magic: [UInt8] = Array("LBST".utf8)
    public static let version: UInt8 = 2
    public static let headerSize = 13
    /// A chunk's frame: length, ciphertext, tag.
    static let frameOverhead = 4 + AESGCM.tagLength

    /// Streams `input` (read until end) to `output`, encrypted under `key` as the stream called
    /// `name`. The caller finishes `output`, which gives the tree digest of the whole encrypted
    /// stream (TreeDigest: what the receiver measures at step 12).
    public static func seal(input: Int32, output: inout SequentialFileWriter, key: [UInt8], name: String) throws(LoBotError) {
        let header = magic + [version] + (try SecureRandom.bytes(8))
        let labels = try ChunkLabels(header: header, name: name)
        let cipher = try AESGCM.ChunkCipher(key: key, encrypt: true)
        try output.append(header)
        // Two frames: the chunk being sealed, and the next one read ahead to learn whether this
        // one is the last. Both hold plaintext until sealed, so both are wiped.
        var frame = [UInt8](repeating: 0, count: chunkSize + frameOverhead)
        var next = [UInt8](repeating: 0, count: chunkSize + frameOverhead)
        defer {
            wipe(&frame)
            wipe(&next)
        }
        var count = try RawIO.readFully(input, into: &frame, start: 4, count: chunkSize)
        var index: UInt32 = 0
        while true {
            let following = count == chunkSize ? try RawIO.readFully(input, into: &next, start: 4, count: chunkSize) : 0
            let final = count < chunkSize || following == 0
            try cipher.seal(&frame, start: 4, count: count, nonce: labels.nonce(index), aad: labels.additionalData(index, final: final))
            putBigEndian(UInt32(count), into: &frame)
            let frameSize = count + frameOverhead
            try withBytes(frame) { (raw) throws(LoBotError) in try output.append(raw.baseAddress!, count: frameSize) }
            Progress.advance(count)
            if final { break }
            guard index < UInt32.max else { throw .invalidArgument("stream longer than 4 PiB") }
            index += 1
            swap(&frame, &next)
            count = following
        }
    }

    /// Reads the encrypted stream called `name` from `input` and writes the plaintext to `output`
    /// chunk by chunk, each only after its tag verifies.
    public static func open(input: Int32, output: Int32, key: [UInt8], name: String, what: String) throws(LoBotError) {
        var header = [UInt8](repeating: 0, count: headerSize)
        guard try RawIO.readFully(input, into: &header) == headerSize, Array(header[0..<4]) == magic else {
            throw .authentication(what: "\(what) (not a LoBot stream)")
        }
        guard header[4] == version else {
            throw .authentication(what: "\(what) (a LoBot stream of version \(header[4]), not \(version))")
        }
        let labels = try ChunkLabels(header: header, name: name)
        let cipher = try AESGCM.ChunkCipher(key: key, encrypt: false)
        var frame = [UInt8](repeating: 0, count: chunkSize + AESGCM.tagLength)
        defer { wipe(&frame) }
        var length = [UInt8](repeating: 0, count: 4)
        guard try RawIO.readFully(input, into: &length) == 4 else { throw .authentication(what: "\(what) (truncated)") }
        var index: UInt32 = 0
        while true {
            let size = Int(bigEndian(length))
            guard size <= chunkSize else { throw .authentication(what: "\(what) (chunk \(index) is too large)") }
            guard try RawIO.readFully(input, into: &frame, start: 0, count: size + AESGCM.tagLength) == size + AESGCM.tagLength else {
                throw .authentication(what: "\(what) (truncated)")
            }
            // The next chunk's length, read ahead: a full chunk is the last when the stream ends
            // after it; a shorter one is the last and nothing may follow it.
            let more = try RawIO.readFully(input, into: &length)
            guard more == 0 || (more == 4 && size == chunkSize) else {
                throw .authentication(what: more == 4 || size < chunkSize ? "\(what) (bytes after the final chunk)" : "\(what) (truncated)")
            }
            let final = more == 0
            try cipher.open(&frame, start: 0, count: size, nonce: labels.nonce(index), aad: labels.additionalData(index, final: final),
                            what: what)
            try RawIO.writeAll(output, frame, count: size)
            Progress.advance(size)
            if final { return }
            guard index < UInt32.max else { throw .authentication(what: what) }
            index += 1
        }
    }

    /// The nonce and additional data of each chunk of one stream.
    struct ChunkLabels {
        let prefix: [UInt8]
        let head: [UInt8]

        init(header: [UInt8], name: String) throws(LoBotError) {
            let nameBytes = Array(name.utf8)
            guard header.count == headerSize, nameBytes.count <= 255 else { throw .invalidArgument("a stream's name is at most 255 bytes") }
            prefix = Array(header[5..<headerSize])
            head = header + [UInt8(nameBytes.count)] + nameBytes
        }

        func nonce(_ index: UInt32) -> [UInt8] { prefix + StreamCipher.bigEndian(index) }

        func additionalData(_ index: UInt32, final: Bool) -> [UInt8] { head + StreamCipher.bigEndian(index) + [final ? 1 : 0] }
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    static func bigEndian(_ bytes: [UInt8]) -> UInt32 {
        UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
    }

    static func putBigEndian(_ value: UInt32, into frame: inout [UInt8]) {
        for (offset, byte) in bigEndian(value).enumerated() { frame[offset] = byte }
    }
}
