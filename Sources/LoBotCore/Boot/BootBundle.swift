// The small files a LoBot VM needs at boot, carried on one input disk: the platform's key blobs
// and TrouSerS registration, the vTPM's state and bound MSK, the factory's nonces. Large domain
// files travel on disks of their own and are measured as they stream.
//
//   LoBot boot bundle:  BYTE magic[4] = "LBBB";  UINT8 version = 1;  UINT16 count;
//                       { UINT8 nameLength; BYTE name[]; UINT32 size; BYTE data[size]; } entries
//                       (names unique; at most 1 MiB each)

public struct BootBundle: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot boot bundle" }
    static let magic: [UInt8] = Array("LBBB".utf8)
    public static let maximumEntry = 1 << 20

    public var entries: [(name: String, data: [UInt8])]

    public init(entries: [(name: String, data: [UInt8])] = []) { self.entries = entries }

    public static func == (a: BootBundle, b: BootBundle) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.name == $1.name && $0.data == $1.data }
    }

    public func file(_ name: String) throws(LoBotError) -> [UInt8] {
        guard let entry = entries.first(where: { $0.name == name }) else { throw .notFound("\(name) in the boot bundle") }
        return entry.data
    }

    public func contains(_ name: String) -> Bool { entries.contains { $0.name == name } }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([1], field: "version")
        let count = try reader.readCount(lengthWidth: 2, maximum: 64, field: "count")
        entries = []
        for _ in 0..<count {
            let name = try reader.readString(lengthWidth: 1, maximum: 128, field: "name")
            guard !entries.contains(where: { $0.name == name }) else { throw reader.failure(.inconsistent("bundle entry names must be unique")) }
            entries.append((name, try reader.readSized(lengthWidth: 4, maximum: Self.maximumEntry, field: "size")))
        }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(UInt8(1))
        writer.write(UInt16(entries.count))
        for entry in entries {
            writer.writeString(entry.name, lengthWidth: 1)
            writer.writeSized(entry.data, lengthWidth: 4)
        }
    }
}
