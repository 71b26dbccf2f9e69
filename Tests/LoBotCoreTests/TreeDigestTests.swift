// The tree digest a sealed aDom file is measured by (TreeDigest): known answers computed apart
// from LoBot, the source's incremental form equal to the destination's two-thread form at every
// leaf boundary, and any changed, added or removed byte changing it.
import LoBotCore
import Testing
import TestSupport

@Suite struct TreeDigestTests {
    /// 2 MiB + 5 bytes: two whole leaves and a short one.
    static let pattern: [UInt8] = (0..<((1 << 21) + 5)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }

    /// The destination's form: the file's tree digest on two threads.
    static func fileDigest(_ path: String) throws -> [UInt8] { try TreeDigest.file(path: path).digest }

    static func incremental(_ bytes: [UInt8], pieces: Int) throws -> [UInt8] {
        var tree = try TreeDigest()
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + pieces)
            try tree.update(Array(bytes[start..<end]))
            start = end
        }
        return try tree.finish()
    }

    @Test func knownAnswers() throws {
        // Computed with Python's hashlib: sha256(b"".join(sha256(b[i:i+2**20]).digest() for i in
        // range(0, len(b), 2**20)) + struct.pack(">Q", len(b))).hexdigest().
        let answers: [([UInt8], String)] = [
            ([], "af5570f5a1810b7af78caf4bc70a660f0df51e42baf91d4de5b2328de0e83dfc"),
            (Array("abc".utf8), "01319eda4720b1a5ee319f9b4044c0fd59e3bfa76488a2f63f36919bccce68b4"),
            (Self.pattern, "e19ab2bffba3223757f4c02c026001641179edf9a19b1c04b6799821ce4d798b"),
        ]
        let temp = try TemporaryDirectory("lobot-tree")
        for (bytes, hex) in answers {
            #expect(try Self.incremental(bytes, pieces: 4096) == hexBytes(hex))
            #expect(try Self.fileDigest(try temp.write("file", bytes)) == hexBytes(hex))
            // The source's form: SequentialFileWriter, whole leaves hashed on its helper thread.
            var writer = try SequentialFileWriter(creating: temp.path + "/written")
            try writer.append(bytes)
            #expect(try writer.finish() == hexBytes(hex))
        }
    }

    @Test func incrementalAndTwoThreadFormsAgreeAtEveryLeafBoundary() throws {
        let temp = try TemporaryDirectory("lobot-tree")
        let leaf = TreeDigest.leafSize
        for size in [1, leaf - 1, leaf, leaf + 1, 2 * leaf, 3 * leaf + 12345] {
            let bytes = Array(Self.pattern.prefix(size)) + [UInt8](repeating: 0x5a, count: max(0, size - Self.pattern.count))
            // The construction written out here, apart from TreeDigest.
            var leaves: [UInt8] = []
            var start = 0
            while start < bytes.count {
                leaves += try Digest.sha256(Array(bytes[start..<min(bytes.count, start + leaf)]))
                start += leaf
            }
            let expected = try Digest.sha256(leaves + (0..<8).map { UInt8(truncatingIfNeeded: UInt64(size) >> (56 - 8 * $0)) })
            let measured = try TreeDigest.file(path: try temp.write("file", bytes))
            #expect(measured.digest == expected && measured.size == UInt64(size), "size \(size)")
            for pieces in [1 << 16, leaf, leaf + 13] {
                #expect(try Self.incremental(bytes, pieces: pieces) == expected, "size \(size) in pieces of \(pieces)")
            }
        }
    }

    @Test func anyChangedAddedOrRemovedByteChangesIt() throws {
        let temp = try TemporaryDirectory("lobot-tree")
        let original = try Self.fileDigest(try temp.write("file", Self.pattern))
        for offset in [0, 4095, TreeDigest.leafSize - 1, TreeDigest.leafSize, Self.pattern.count - 1] {
            var flipped = Self.pattern
            flipped[offset] ^= 0x01
            #expect(try Self.fileDigest(try temp.write("file", flipped)) != original, "bit flip at \(offset)")
        }
        #expect(try Self.fileDigest(try temp.write("file", Self.pattern + [0])) != original)
        #expect(try Self.fileDigest(try temp.write("file", Array(Self.pattern.dropLast()))) != original)
        // Two leaves swapped keep every leaf's digest but not their order (the pattern repeats
        // every 256 bytes, so the first leaf is made to differ from the second).
        let leaf = TreeDigest.leafSize
        var distinct = Self.pattern
        distinct[0] ^= 0xff
        let swapped = Array(distinct[leaf..<(2 * leaf)] + distinct[0..<leaf] + distinct[(2 * leaf)...])
        #expect(try Self.fileDigest(try temp.write("file", swapped))
                    != (try Self.fileDigest(try temp.write("file", distinct))))
    }

    /// A leaf hashed elsewhere is appended where a leaf ends, and nowhere else.
    @Test func aLeafDigestIsAppendedOnlyWhereALeafEnds() throws {
        let leaf = Array(Self.pattern[0..<TreeDigest.leafSize])
        var tree = try TreeDigest()
        try tree.append(leafDigest: try withBytes(leaf) { (raw) throws(LoBotError) in
            try TreeDigest.leafDigest(raw.baseAddress!, count: raw.count)
        })
        try tree.update(Array(Self.pattern[TreeDigest.leafSize...]))
        #expect(try tree.finish() == (try Self.incremental(Self.pattern, pieces: 1 << 20)))
        var split = try TreeDigest()
        try split.update([1])
        #expect(throws: LoBotError.invalidArgument("a leaf's digest appended in the middle of a leaf")) {
            try split.append(leafDigest: [UInt8](repeating: 0, count: 32))
        }
    }

    @Test func aMissingFileIsAnError() throws {
        #expect(throws: LoBotError.self) { try TreeDigest.file(path: "/nonexistent/lobot-tree") }
    }
}
