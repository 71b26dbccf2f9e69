// The CPU floor of a migration's cryptography, measured in the same run as the migration it is
// compared with: the passes issue 15 allows over the bytes LSM moved, one AES-256-GCM and one
// SHA-256 (the tree digest) on each side, in this process, on one thread, with the same OpenSSL
// and the same calls lobot makes (AESGCM.ChunkCipher in place on 1 MiB chunks, TreeDigest), and
// nothing else: no pipe, no file, no TPM. What LSM's processes spend beyond it is the protocol's
// own overhead; the 2.0 s per GiB can be no lower than this.
import Foundation
import LoBotCore

enum CryptoFloor {
    /// Thread CPU seconds for sealing `bytes` (AES-256-GCM, then the tree digest of the
    /// ciphertext) and opening them again (the tree digest, then AES-256-GCM with its tag checked),
    /// chunk by chunk.
    static func seconds(bytes: Int) throws -> Double {
        let chunk = StreamCipher.chunkSize
        var buffer = [UInt8](repeating: 0, count: chunk + AESGCM.tagLength)
        for index in 0..<chunk { buffer[index] = UInt8(truncatingIfNeeded: index &* 2_654_435_761 >> 13) }
        let key = try SecureRandom.bytes(AESGCM.keyLength)
        let sealer = try AESGCM.ChunkCipher(key: key, encrypt: true)
        let opener = try AESGCM.ChunkCipher(key: key, encrypt: false)
        let prefix = try SecureRandom.bytes(8)
        let aad = [UInt8](repeating: 7, count: 28)
        var source = try TreeDigest()
        var destination = try TreeDigest()
        let start = threadCPUSeconds()
        var done = 0
        var index: UInt32 = 0
        while done < bytes {
            let count = min(chunk, bytes - done)
            let nonce = prefix + [UInt8(index >> 24), UInt8(truncatingIfNeeded: index >> 16), UInt8(truncatingIfNeeded: index >> 8),
                                  UInt8(truncatingIfNeeded: index)]
            try sealer.seal(&buffer, start: 0, count: count, nonce: nonce, aad: aad)
            do {
                // The frame as written: a whole one (shared, released before the buffer is opened
                // in place, so never copied), or the last one's bytes (copied once).
                let frame = count == chunk ? buffer : Array(buffer[0..<count + AESGCM.tagLength])
                try source.update(frame)
                try destination.update(frame)
            }
            try opener.open(&buffer, start: 0, count: count, nonce: nonce, aad: aad, what: "the crypto floor's chunk")
            done += count
            index += 1
        }
        let seconds = threadCPUSeconds() - start
        guard try source.finish() == (try destination.finish()) else { throw BenchError(description: "crypto floor: the two digests differ") }
        return seconds
    }

    static func threadCPUSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
