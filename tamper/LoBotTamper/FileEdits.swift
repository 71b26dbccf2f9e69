// Putting a mutation into a file where the receiving command will read it, and taking it out
// again: patches are written in place and undone byte by byte; rebuilt files are streamed from a
// pristine copy kept outside the directories the snapshots watch.
import Foundation

/// A file opened with plain descriptors (pread/pwrite), for in-place patches of large files.
final class RawFile {
    let fd: Int32

    init?(path: String, writable: Bool = false) {
        fd = open(path, writable ? O_RDWR : O_RDONLY)
        if fd < 0 { return nil }
    }

    deinit { Glibc.close(fd) }

    var size: Int {
        var info = stat()
        return fstat(fd, &info) == 0 ? Int(info.st_size) : 0
    }

    func read(at offset: Int, count: Int) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
        return got == count ? buffer : nil
    }

    func write(at offset: Int, _ bytes: [UInt8]) throws {
        let put = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, bytes.count, off_t(offset)) }
        guard put == bytes.count else { throw TamperError("cannot write \(bytes.count) bytes at \(offset)") }
    }
}

struct TamperError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A file under test: its genuine bytes kept aside, mutations applied in place and undone.
struct FileUnderTest {
    let path: String
    let pristine: String

    /// Keeps a copy of `path` at `pristine` (outside every watched directory).
    init(path: String, pristine: String) throws {
        self.path = path
        self.pristine = pristine
        if FileManager.default.fileExists(atPath: pristine) { try FileManager.default.removeItem(atPath: pristine) }
        try FileManager.default.copyItem(atPath: path, toPath: pristine)
    }

    /// Applies `mutation` to the file; returns what undoes it.
    func apply(_ mutation: Mutation) throws -> () throws -> Void {
        switch mutation.edit {
        case .patch(let patches):
            guard let file = RawFile(path: path, writable: true) else { throw TamperError("cannot open \(path)") }
            var originals: [(Int, UInt8)] = []
            for patch in patches {
                guard let old = file.read(at: patch.offset, count: 1) else { throw TamperError("\(path) has no byte \(patch.offset)") }
                originals.append((patch.offset, old[0]))
                try file.write(at: patch.offset, [old[0] ^ patch.mask])
            }
            return {
                // A receiver that removed or rewrote the file (a failed case) gets the whole file back.
                guard let file = RawFile(path: self.path, writable: true), file.size == RawFile(path: self.pristine)?.size else {
                    return try self.restore()
                }
                for (offset, byte) in originals { try file.write(at: offset, [byte]) }
            }
        case .splice(let pieces):
            try rebuild(pieces)
            return { try self.restore() }
        case .replace(let bytes):
            try rebuild([.bytes(bytes)])
            return { try self.restore() }
        }
    }

    /// Writes the pieces (ranges of the pristine copy, or new bytes) over the file, in place.
    func rebuild(_ pieces: [Piece]) throws {
        guard let source = RawFile(path: pristine) else { throw TamperError("cannot open \(pristine)") }
        let fd = open(path, O_WRONLY | O_TRUNC | O_CREAT, 0o600)
        guard fd >= 0 else { throw TamperError("cannot rewrite \(path)") }
        defer { close(fd) }
        func put(_ bytes: [UInt8]) throws {
            var done = 0
            while done < bytes.count {
                let wrote = bytes[done...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
                guard wrote > 0 else { throw TamperError("cannot write \(path)") }
                done += wrote
            }
        }
        for piece in pieces {
            switch piece {
            case .bytes(let bytes): try put(bytes)
            case .original(let range):
                var at = range.lowerBound
                while at < range.upperBound {
                    let count = min(1 << 20, range.upperBound - at)
                    guard let block = source.read(at: at, count: count) else { throw TamperError("cannot read \(pristine)") }
                    try put(block)
                    at += count
                }
            }
        }
    }

    /// Puts the genuine bytes back.
    func restore() throws { try rebuild([.original(0..<(RawFile(path: pristine)?.size ?? 0))]) }
}
