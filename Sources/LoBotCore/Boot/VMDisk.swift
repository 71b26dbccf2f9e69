// How files cross into and out of the LoBot VM: raw virtio-blk disks, no filesystem. qemu pads a
// raw image to whole sectors, so each input disk starts with a 512-byte header giving the real
// length; the output disk holds one length-prefixed record whose presence is the boot's
// success signal (qemu's own exit status says nothing).
//
//   input disk:   BYTE magic[8] = "LOBOTIN1";  UINT64 length (LE);  UINT32 offset = 512 (LE);
//                 BYTE name[64] (UTF-8, NUL padded);  zeros to 512;  payload[length]
//   output disk:  BYTE magic[8] = "LOBOTOUT";  UINT32 version = 2 (LE);  UINT32 length (LE);
//                 payload[length]  (a LoBot boot output; version 1 carried a bare boot result)

public enum VMDisk {
    public static let sector = 512
    static let inputMagic: [UInt8] = Array("LOBOTIN1".utf8)
    static let outputMagic: [UInt8] = Array("LOBOTOUT".utf8)
    static let outputVersion: UInt32 = 2

    public struct InputHeader: Equatable, Sendable {
        public var length: UInt64
        public var name: String

        public init(length: UInt64, name: String) {
            self.length = length
            self.name = name
        }

        /// The 512-byte header.
        public var bytes: [UInt8] {
            var writer = ByteWriter()
            writer.write(inputMagic)
            writer.writeLE(length)
            writer.writeLE(UInt32(sector))
            var name = Array(self.name.utf8.prefix(63))
            name += [UInt8](repeating: 0, count: 64 - name.count)
            writer.write(name)
            return writer.bytes + [UInt8](repeating: 0, count: sector - writer.bytes.count)
        }

        /// Parses a header and checks it against the disk's size.
        public init(bytes: [UInt8], diskSize: UInt64) throws(LoBotError) {
            var reader = ByteReader(bytes, structure: "LoBot input disk header")
            try reader.expect(inputMagic, field: "magic")
            length = try reader.readUInt64LE()
            let offset = try reader.readUInt32LE()
            guard offset == UInt32(sector) else { throw reader.failure(.unexpectedValue(field: "offset", value: UInt64(offset))) }
            let nameBytes = try reader.readBytes(64)
            // At most 63 bytes and a NUL, as `bytes` writes it (a full field would not read back).
            guard nameBytes.contains(0) else { throw reader.failure(.inconsistent("name is not NUL-terminated")) }
            guard let text = String(validating: nameBytes.prefix { $0 != 0 }, as: UTF8.self) else {
                throw reader.failure(.inconsistent("name is not UTF-8"))
            }
            name = text
            guard length <= diskSize &- UInt64(sector), diskSize >= UInt64(sector) else {
                throw reader.failure(.inconsistent("length \(length) runs past the end of a \(diskSize)-byte disk"))
            }
        }
    }

    /// The output record for `payload`.
    public static func outputRecord(_ payload: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.write(outputMagic)
        writer.writeLE(outputVersion)
        writer.writeLE(UInt32(payload.count))
        writer.write(payload)
        return writer.bytes
    }

    /// The payload of an output record read from the start of the output disk.
    public static func parseOutputRecord(_ disk: [UInt8]) throws(LoBotError) -> [UInt8] {
        var reader = ByteReader(disk, structure: "LoBot output record")
        try reader.expect(outputMagic, field: "magic")
        let version = try reader.readUInt32LE()
        guard version == outputVersion else { throw reader.failure(.unexpectedValue(field: "version", value: UInt64(version))) }
        let length = try reader.readUInt32LE()
        return try reader.readBytes(Int(length))
    }
}
