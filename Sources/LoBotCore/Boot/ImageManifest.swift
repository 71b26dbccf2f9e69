// The LoBot image's own account of itself: every file of the initramfs other than /init and
// this manifest, with its mode and SHA-256, written by the factory at bake time. At boot the
// agent checks every file against it (a changed file stops the boot) and measures the manifest,
// so one PCR stands for the whole image.
//
//   LoBot image manifest:  BYTE magic[4] = "LBIM";  UINT8 version = 1;
//                          UINT32 count;  { UINT16 pathLength; BYTE path[]; UINT32 mode;
//                                           BYTE sha256[32]; } entries[count]  (sorted by path)

public struct ImageManifest: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot image manifest" }
    static let magic: [UInt8] = Array("LBIM".utf8)
    public static let path = "/etc/lobot/manifest"

    public struct Entry: Equatable, Sendable {
        public var path: String
        public var mode: UInt32
        public var sha256: [UInt8]

        public init(path: String, mode: UInt32, sha256: [UInt8]) {
            self.path = path
            self.mode = mode
            self.sha256 = sha256
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([1], field: "version")
        let count = try reader.readCount(lengthWidth: 4, maximum: 4096, field: "count")
        entries = []
        for _ in 0..<count {
            let path = try reader.readString(lengthWidth: 2, maximum: 1024, field: "path")
            guard path.hasPrefix("/") else { throw reader.failure(.inconsistent("manifest path is not absolute")) }
            if let last = entries.last, !(last.path < path) { throw reader.failure(.inconsistent("manifest paths are not sorted and unique")) }
            entries.append(Entry(path: path, mode: try reader.readUInt32(), sha256: try reader.readBytes(32)))
        }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(UInt8(1))
        writer.write(UInt32(entries.count))
        for entry in entries {
            writer.writeString(entry.path, lengthWidth: 2)
            writer.write(entry.mode)
            writer.write(entry.sha256)
        }
    }
}
