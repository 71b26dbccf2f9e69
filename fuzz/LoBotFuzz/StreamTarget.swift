// LoBot streams (an aDom's memory state and disk) opened as the destination opens them, under
// a fixed key. An accepted stream must be exactly the encryption of what it opened to, chunk by
// chunk, as the STREAM construction defines it (rebuilt here independently of StreamCipher): an
// accepted stream that is anything else is a forgery.
import Glibc
import LoBotCore

enum StreamTarget {
    nonisolated(unsafe) static var files: (input: Int32, output: Int32)? = nil

    static func run(_ bytes: [UInt8]) {
        let (input, output) = descriptors()
        rewrite(input, bytes)
        rewrite(output, [])
        let opened: Void? = attempt("stream") { () throws(LoBotError) in
            try StreamCipher.open(input: input, output: output, key: Fixtures.streamKey, name: Fixtures.streamName, what: "fuzzed stream")
        }
        guard opened != nil else { return }
        let plain = readAll(output)
        guard expectedStream(plain, header: Array(bytes.prefix(StreamCipher.headerSize))) == bytes else {
            violation("stream: accepted \(bytes.count) bytes that are not the encryption of their \(plain.count)-byte plaintext")
        }
    }

    /// STREAM: chunks of chunkSize, the last (possibly empty) one marked final, each chunk's
    /// additional data naming the stream.
    static func expectedStream(_ plain: [UInt8], header: [UInt8]) -> [UInt8] {
        guard header.count == StreamCipher.headerSize else { return [] }
        let prefix = Array(header[5...])
        var out = header
        var start = 0
        var index: UInt32 = 0
        while true {
            let end = min(start + StreamCipher.chunkSize, plain.count)
            let final = end == plain.count
            let nonce = prefix + bigEndian(index)
            let name = Array(Fixtures.streamName.utf8)
            let aad = header + [UInt8(name.count)] + name + bigEndian(index) + [final ? 1 : 0]
            guard let sealed = attempt("seal", { () throws(LoBotError) in
                try AESGCM.seal(Array(plain[start..<end]), key: Fixtures.streamKey, nonce: nonce, aad: aad)
            }) else { violation("stream: cannot re-seal") }
            out += bigEndian(UInt32(end - start)) + sealed.ciphertext + sealed.tag
            if final { return out }
            start = end
            index += 1
        }
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    /// Two scratch files, made once, rewritten for every input.
    static func descriptors() -> (Int32, Int32) {
        if let files { return files }
        var made: [Int32] = []
        for _ in 0..<2 {
            var template = Array("/tmp/lobot-fuzz-stream.XXXXXX".utf8CString)
            let fd = mkstemp(&template)
            guard fd >= 0 else { violation("cannot make a scratch file") }
            unlink(template)
            made.append(fd)
        }
        files = (made[0], made[1])
        return (made[0], made[1])
    }

    static func rewrite(_ fd: Int32, _ bytes: [UInt8]) {
        guard ftruncate(fd, 0) == 0 else { violation("ftruncate") }
        let written = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        guard written == bytes.count else { violation("pwrite") }
        lseek(fd, 0, SEEK_SET)
    }

    static func readAll(_ fd: Int32) -> [UInt8] {
        let size = Int(lseek(fd, 0, SEEK_END))
        var buffer = [UInt8](repeating: 0, count: size)
        let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, size, 0) }
        guard got == size else { violation("pread") }
        return buffer
    }
}
