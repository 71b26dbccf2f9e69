// Which domain files a LoBot VM is given and how long each is: they arrive as raw disks (serials
// lobot-dom0, lobot-dom1, ...) that qemu pads to whole sectors, so their lengths travel in the
// boot bundle. An expected SHA-256, when given, must match or the boot stops.
//
//   LoBot domain plan:  BYTE magic[4] = "LBDP";  UINT8 version = 1;  UINT8 count;
//                       { UINT8 nameLength; BYTE name[]; UINT64 length; UINT8 expectedLength (0 or 32);
//                         BYTE expected[expectedLength]; } domains

public struct DomainPlan: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot domain plan" }
    static let magic: [UInt8] = Array("LBDP".utf8)
    public static let maximumDomains = 8

    public struct Domain: Equatable, Sendable {
        public var name: String
        public var length: UInt64
        public var expected: [UInt8]?

        public init(name: String, length: UInt64, expected: [UInt8]? = nil) {
            self.name = name
            self.length = length
            self.expected = expected
        }

        /// The disk serial of domain number `index`.
        public static func serial(_ index: Int) -> String { "lobot-dom\(index)" }
    }

    public var domains: [Domain]

    public init(domains: [Domain]) { self.domains = domains }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([1], field: "version")
        let count = try reader.readCount(lengthWidth: 1, maximum: Self.maximumDomains, field: "count")
        domains = []
        for _ in 0..<count {
            let name = try reader.readString(lengthWidth: 1, maximum: 64, field: "name")
            let length = try reader.readUInt64()
            let at = reader.offset
            let expected = try reader.readSized(lengthWidth: 1, maximum: 32, field: "expectedLength")
            guard expected.isEmpty || expected.count == 32 else {
                throw reader.failure(.unexpectedValue(field: "expectedLength", value: UInt64(expected.count)), at: at)
            }
            domains.append(Domain(name: name, length: length, expected: expected.isEmpty ? nil : expected))
        }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(UInt8(1))
        writer.write(UInt8(domains.count))
        for domain in domains {
            writer.writeString(domain.name, lengthWidth: 1)
            writer.write(domain.length)
            writer.writeSized(domain.expected ?? [], lengthWidth: 1)
        }
    }
}
