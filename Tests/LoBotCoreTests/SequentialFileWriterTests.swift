// SequentialFileWriter, which writes an aDom's sealed files around the page cache: the file holds
// exactly the bytes appended, whatever their sizes against its blocks and buffer; where the file
// system takes O_DIRECT, it is used and the file's bytes are not left in the page cache (mincore
// of the written file; not on tmpfs, whose page cache holds its files); the tree digest it returns, its leaves hashed on its helper thread, is
// the one the destination measures the file by; a file it cannot open is refused with the errno
// the kernel gave.
import Foundation
import LoBotCore
import Testing
import TestSupport

@Suite struct SequentialFileWriterTests {
    /// Appends `pieces` (sizes), each of bytes counting up from where the last ended, and returns
    /// what was appended, how many bytes the writer wrote with O_DIRECT and the tree digest it gave.
    static func write(_ path: String, _ pieces: [Int]) throws -> (bytes: [UInt8], direct: Int64, digest: [UInt8]) {
        var writer = try SequentialFileWriter(creating: path)
        var all: [UInt8] = []
        for size in pieces {
            let piece = (0..<size).map { UInt8(truncatingIfNeeded: (all.count + $0) &* 31 &+ 7) }
            try writer.append(piece)
            all += piece
        }
        #expect(writer.size == Int64(all.count))
        let digest = try writer.finish()
        return (all, writer.writtenDirect, digest)
    }

    /// Piece sizes: around a block (4096), the buffer (1 MiB) and a sealed stream's header (13)
    /// and frames (1 MiB + 20).
    @Test(arguments: [[0], [1], [13], [4095], [4096], [4097], [1_048_576], [1_048_575, 2], [3_145_741],
                      [13, 1_048_596, 1_048_596, 5], [13, 1_048_596, 1_048_596, 1_048_596, 4096, 0, 1]])
    func theFileHoldsExactlyTheBytesAppended(pieces: [Int]) throws {
        let temp = try TemporaryDirectory("lobot-writer")
        let (bytes, _, digest) = try Self.write(temp.path + "/f", pieces)
        #expect(try temp.read("f") == bytes)
        // The source's digest, hashed as it wrote, is the destination's measurement of the file.
        let measured = try TreeDigest.file(path: temp.path + "/f")
        #expect(measured.size == UInt64(bytes.count))
        #expect(measured.digest == digest)
        #expect(try FileManager.default.attributesOfItem(atPath: temp.path + "/f")[.posixPermissions] as? Int == 0o600)
    }

    /// Where this directory's file system opens files with O_DIRECT, the writer does, and the
    /// blocks it wrote are not in the page cache: only the last part block may be.
    @Test func whereTheFileSystemAllowsItTheBytesBypassThePageCache() throws {
        let temp = try TemporaryDirectory("lobot-writer")
        try Files.writeDurably(temp.path + "/probe", [0])
        var supported = true
        do { _ = try FileDescriptor(opening: temp.path + "/probe", .readOnlyDirect) } catch { supported = false }
        let size = (8 << 20) + 100
        let (_, direct, _) = try Self.write(temp.path + "/f", [13, size - 13])
        #expect(direct == (supported ? Int64(size / 4096 * 4096) : 0))
        // tmpfs takes O_DIRECT on recent kernels (6.18 here), but its page cache is where its files are.
        guard supported, try Self.fileSystemType(of: temp.path) != "tmpfs" else { return }
        let fd = open(temp.path + "/f", O_RDONLY)
        defer { close(fd) }
        let mapped = try #require(mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0))
        defer { munmap(mapped, size) }
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        var residency = [UInt8](repeating: 0, count: (size + pageSize - 1) / pageSize)
        #expect(mincore(mapped, size, &residency) == 0)
        let resident = residency.filter { $0 & 1 == 1 }.count
        #expect(resident <= 1, "\(resident) of \(residency.count) pages in the page cache")
    }

    /// The type of the file system `path` is on: the mount in /proc/self/mounts with the longest
    /// mount point above it.
    static func fileSystemType(of path: String) throws -> String {
        let resolved = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        let mounts = try String(contentsOfFile: "/proc/self/mounts", encoding: .utf8)
        var best = (point: "", type: "")
        for line in mounts.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count > 2 else { continue }
            let point = String(fields[1])
            let above = point == "/" || resolved == point || resolved.hasPrefix(point + "/")
            if above, point.count >= best.point.count { best = (point, String(fields[2])) }
        }
        return best.type
    }

    @Test func aFileThatCannotBeCreatedIsRefusedWithTheKernelsErrno() throws {
        let temp = try TemporaryDirectory("lobot-writer")
        #expect(throws: LoBotError.system(operation: "cannot open", path: temp.path + "/missing/f", errno: ENOENT)) {
            _ = try SequentialFileWriter(creating: temp.path + "/missing/f")
        }
    }
}
