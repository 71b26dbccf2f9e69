// The TCG crypto-agile event log (TCG PC Client Platform Firmware Profile 2.0, 10.2): what a TPM 2.0
// platform's firmware, and LoBot for its guests' launches, extended into the PCR banks, one digest
// per bank per event. Little-endian, as UEFI writes it; Linux exposes a guest's firmware log in the
// same form, and tpm2-tools' tpm2_eventlog reads it.
//
//   TCG_PCClientPCREvent (the header, SHA-1 log format):
//     UINT32 pcrIndex = 0;  UINT32 eventType = EV_NO_ACTION;  BYTE digest[20] = 0;  UINT32 eventSize;
//     TCG_EfiSpecIDEvent { BYTE signature[16] = "Spec ID Event03\0";  UINT32 platformClass;
//       UINT8 specVersionMinor = 0;  UINT8 specVersionMajor = 2;  UINT8 specErrata;  UINT8 uintnSize;
//       UINT32 numberOfAlgorithms;  { UINT16 algorithmId; UINT16 digestSize; } [numberOfAlgorithms];
//       UINT8 vendorInfoSize;  BYTE vendorInfo[vendorInfoSize] }
//   TCG_PCR_EVENT2, repeated to the end:
//     UINT32 pcrIndex;  UINT32 eventType;
//     TPML_DIGEST_VALUES { UINT32 count; { UINT16 hashAlg; BYTE digest[size of hashAlg]; } [count] }
//     UINT32 eventSize;  BYTE event[eventSize]

public struct AgileEvent: Equatable, Sendable {
    public var pcr: UInt32
    public var type: UInt32
    /// One digest per bank, in the order the header lists the banks.
    public var digests: [(algorithm: DigestAlgorithm, value: [UInt8])]
    public var data: [UInt8]

    public init(pcr: UInt32, type: UInt32, digests: [(algorithm: DigestAlgorithm, value: [UInt8])], data: [UInt8]) {
        self.pcr = pcr
        self.type = type
        self.digests = digests
        self.data = data
    }

    public static func == (a: AgileEvent, b: AgileEvent) -> Bool {
        a.pcr == b.pcr && a.type == b.type && a.data == b.data && a.digests.count == b.digests.count
            && zip(a.digests, b.digests).allSatisfy { $0.algorithm == $1.algorithm && $0.value == $1.value }
    }

    /// The digest of `bank`, if the event has one.
    public func digest(_ bank: DigestAlgorithm) -> [UInt8]? { digests.first { $0.algorithm == bank }?.value }
}

public struct CryptoAgileEventLog: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TCG crypto-agile event log" }
    public static let maximumEvents = 4096
    static let maximumEventData = 64 << 10
    static let signature: [UInt8] = Array("Spec ID Event03".utf8) + [0]
    /// EV_NO_ACTION: logged, never extended.
    public static let noAction: UInt32 = 0x03

    /// The banks every event carries a digest for, in order.
    public var banks: [DigestAlgorithm]
    /// TCG_EfiSpecIDEvent's specErrata and uintnSize, kept so a log reads back as itself.
    public var specErrata: UInt8
    public var uintnSize: UInt8
    public var events: [AgileEvent]

    public init(banks: [DigestAlgorithm], events: [AgileEvent], specErrata: UInt8 = 0, uintnSize: UInt8 = 2) {
        self.banks = banks
        self.events = events
        self.specErrata = specErrata
        self.uintnSize = uintnSize
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        // The header, in the SHA-1 log format.
        let headerAt = reader.offset
        let pcr = try reader.readUInt32LE()
        let type = try reader.readUInt32LE()
        guard pcr == 0, type == Self.noAction else { throw reader.failure(.unexpectedValue(field: "header eventType", value: UInt64(type)), at: headerAt) }
        try reader.expect([UInt8](repeating: 0, count: 20), field: "header digest")
        let sizeAt = reader.offset
        let size = try reader.readUInt32LE()
        guard size <= 4096 else { throw reader.failure(.lengthTooLarge(field: "header eventSize", value: UInt64(size), maximum: 4096), at: sizeAt) }
        let headerEnd = reader.offset + Int(size)
        try reader.expect(Self.signature, field: "Spec ID signature")
        try reader.expectUInt32(0, field: "platformClass")
        try reader.expect([0, 2], field: "specVersion")
        specErrata = try reader.readUInt8()
        let uintnAt = reader.offset
        uintnSize = try reader.readUInt8()
        guard uintnSize == 1 || uintnSize == 2 else { throw reader.failure(.unexpectedValue(field: "uintnSize", value: UInt64(uintnSize)), at: uintnAt) }
        let countAt = reader.offset
        let count = try reader.readUInt32LE()
        guard count >= 1, count <= 4 else { throw reader.failure(.unexpectedValue(field: "numberOfAlgorithms", value: UInt64(count)), at: countAt) }
        banks = []
        for _ in 0..<count {
            let at = reader.offset
            let id = try reader.readUInt16LE()
            guard let bank = DigestAlgorithm(tpmAlgorithmID: id), !banks.contains(bank) else {
                throw reader.failure(.unexpectedValue(field: "algorithmId", value: UInt64(id)), at: at)
            }
            let sizeAt = reader.offset
            let digestSize = try reader.readUInt16LE()
            guard Int(digestSize) == bank.length else { throw reader.failure(.unexpectedValue(field: "digestSize", value: UInt64(digestSize)), at: sizeAt) }
            banks.append(bank)
        }
        try reader.expect([0], field: "vendorInfoSize")
        guard reader.offset == headerEnd else { throw reader.failure(.inconsistent("the Spec ID event's size does not match its content")) }

        events = []
        while !reader.isAtEnd {
            guard events.count < Self.maximumEvents else { throw reader.failure(.inconsistent("more than \(Self.maximumEvents) events")) }
            let at = reader.offset
            let pcr = try reader.readUInt32LE()
            guard pcr < 24 else { throw reader.failure(.unexpectedValue(field: "pcrIndex", value: UInt64(pcr)), at: at) }
            let type = try reader.readUInt32LE()
            let digestCountAt = reader.offset
            let digestCount = try reader.readUInt32LE()
            guard digestCount == UInt32(banks.count) else {
                throw reader.failure(.unexpectedValue(field: "digest count", value: UInt64(digestCount)), at: digestCountAt)
            }
            var digests: [(algorithm: DigestAlgorithm, value: [UInt8])] = []
            for bank in banks {
                let algAt = reader.offset
                let id = try reader.readUInt16LE()
                guard id == bank.tpmAlgorithmID else { throw reader.failure(.unexpectedValue(field: "hashAlg", value: UInt64(id)), at: algAt) }
                digests.append((bank, try reader.readBytes(bank.length)))
            }
            let dataAt = reader.offset
            let dataSize = try reader.readUInt32LE()
            guard dataSize <= UInt32(Self.maximumEventData) else {
                throw reader.failure(.lengthTooLarge(field: "eventSize", value: UInt64(dataSize), maximum: UInt64(Self.maximumEventData)), at: dataAt)
            }
            events.append(AgileEvent(pcr: pcr, type: type, digests: digests, data: try reader.readBytes(Int(dataSize))))
        }
    }

    public func serialize(into writer: inout ByteWriter) {
        var header = ByteWriter()
        header.write(Self.signature)
        header.writeLE(UInt32(0))
        header.write([0, 2, specErrata, uintnSize])
        header.writeLE(UInt32(banks.count))
        for bank in banks {
            header.writeLE(bank.tpmAlgorithmID)
            header.writeLE(UInt16(bank.length))
        }
        header.write(UInt8(0))
        writer.writeLE(UInt32(0))
        writer.writeLE(Self.noAction)
        writer.write([UInt8](repeating: 0, count: 20))
        writer.writeLE(UInt32(header.bytes.count))
        writer.write(header.bytes)
        for event in events {
            writer.writeLE(event.pcr)
            writer.writeLE(event.type)
            writer.writeLE(UInt32(event.digests.count))
            for digest in event.digests {
                writer.writeLE(digest.algorithm.tpmAlgorithmID)
                writer.write(digest.value)
            }
            writer.writeLE(UInt32(event.data.count))
            writer.write(event.data)
        }
    }

    /// The values the log gives PCRs 0-23 of `bank` from zero (EV_NO_ACTION events are skipped).
    public func replay(_ bank: DigestAlgorithm) throws(LoBotError) -> [[UInt8]] {
        var values = [[UInt8]](repeating: [UInt8](repeating: 0, count: bank.length), count: 24)
        for event in events where event.type != Self.noAction {
            guard let digest = event.digest(bank) else { throw .invalidArgument("the event log has no \(bank.name) bank") }
            values[Int(event.pcr)] = try Digest.hash(bank, values[Int(event.pcr)] + digest)
        }
        return values
    }
}
