// What a LoBot VM reports when it powers off: success with its evidence, or the one-line reason
// it stopped. The evidence is what the factory decides on (LSM steps 9-10): the platform TPM's
// quote of PCRs 0-15, the vTPM's quote of PCRs 0-8 with its event log, the firmware and IMA
// event logs that explain the platform PCRs, and each domain file's SHA-256.
//
//   LoBot boot result:  BYTE magic[4] = "LBBR";  UINT8 version;  UINT8 status (0 ok, 1 failed);
//                       UINT16 messageLength; BYTE message[];
//                       UINT16 size; platform quote platformQuote (empty when failed);
//                       UINT16 size; LoBot quote vtpmQuote (empty when failed);
//                       BYTE platformPCR6Before[20 or 32] (the platform's PCR 6 before this LoBot extended it);
//                       UINT32 size; LoBot event log vtpmLog;
//                       UINT32 size; BYTE firmwareLog[];  UINT32 size; BYTE imaLog[];
//                       UINT8 count; { UINT8 nameLength; BYTE name[]; UINT64 size; BYTE sha256[32]; } domains
//
// Version 1: a TPM 1.2 platform (or a failure): platformQuote is a LoBot quote ("LBQT"), its PCR 6
// before is SHA-1 (20 bytes). Version 2: a TPM 2.0 platform: platformQuote is a LoBot TPM 2.0
// quote ("LB2Q") of the SHA-256 bank, its PCR 6 before is SHA-256 (32 bytes).

public struct DomainMeasurement: Equatable, Sendable {
    public var name: String
    public var size: UInt64
    public var sha256: [UInt8]

    public init(name: String, size: UInt64, sha256: [UInt8]) {
        self.name = name
        self.size = size
        self.sha256 = sha256
    }
}

public struct BootResult: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot boot result" }
    static let magic: [UInt8] = Array("LBBR".utf8)

    public var succeeded: Bool
    public var message: String
    public var platformQuote: PlatformQuote?
    public var vtpmQuote: Quote?
    public var platformPCR6Before: [UInt8]
    public var vtpmLog: EventLog
    public var firmwareLog: [UInt8]
    public var imaLog: [UInt8]
    public var domains: [DomainMeasurement]

    public init(succeeded: Bool, message: String, platformQuote: PlatformQuote? = nil, vtpmQuote: Quote? = nil,
                platformPCR6Before: [UInt8] = SHA1Digest.zero.value, vtpmLog: EventLog = EventLog(), firmwareLog: [UInt8] = [],
                imaLog: [UInt8] = [], domains: [DomainMeasurement] = []) {
        self.succeeded = succeeded
        self.message = message
        self.platformQuote = platformQuote
        self.vtpmQuote = vtpmQuote
        self.platformPCR6Before = platformPCR6Before
        self.vtpmLog = vtpmLog
        self.firmwareLog = firmwareLog
        self.imaLog = imaLog
        self.domains = domains
    }

    public static func failure(_ message: String) -> BootResult { BootResult(succeeded: false, message: message) }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        let versionAt = reader.offset
        let version = try reader.readUInt8()
        guard version == 1 || version == 2 else { throw reader.failure(.unexpectedValue(field: "version", value: UInt64(version)), at: versionAt) }
        let family: TPMFamily = version == 2 ? .tpm2 : .tpm12
        let at = reader.offset
        let status = try reader.readUInt8()
        guard status <= 1 else { throw reader.failure(.unexpectedValue(field: "status", value: UInt64(status)), at: at) }
        succeeded = status == 0
        message = try reader.readString(lengthWidth: 2, maximum: 4096, field: "message", allowEmpty: true)
        let platform = try reader.readSized(lengthWidth: 2, maximum: 8192, field: "platformQuote")
        platformQuote = platform.isEmpty ? nil : try PlatformQuote(bytes: platform)
        if let platformQuote, platformQuote.family != family {
            throw reader.failure(.inconsistent("a version \(version) boot result carries a \(platformQuote.family.name) quote"))
        }
        let vtpm = try reader.readSized(lengthWidth: 2, maximum: 8192, field: "vtpmQuote")
        vtpmQuote = vtpm.isEmpty ? nil : try Quote(bytes: vtpm)
        platformPCR6Before = try reader.readBytes(PlatformBinding.pcrLength(family))
        vtpmLog = try EventLog(bytes: try reader.readSized(lengthWidth: 4, maximum: 16 << 20, field: "vtpmLog"))
        firmwareLog = try reader.readSized(lengthWidth: 4, maximum: 1 << 20, field: "firmwareLog")
        imaLog = try reader.readSized(lengthWidth: 4, maximum: 1 << 20, field: "imaLog")
        domains = try DomainMeasurement.parseList(from: &reader)
        guard succeeded == (platformQuote != nil && vtpmQuote != nil) else {
            throw reader.failure(.inconsistent("a successful result carries both quotes, a failed one neither"))
        }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(UInt8(platformQuote?.family == .tpm2 ? 2 : 1))
        writer.write(UInt8(succeeded ? 0 : 1))
        writer.writeSized(Array(message.utf8.prefix(4096)), lengthWidth: 2)
        writer.writeSized(platformQuote?.bytes ?? [], lengthWidth: 2)
        writer.writeSized(vtpmQuote?.bytes ?? [], lengthWidth: 2)
        writer.write(platformPCR6Before)
        writer.writeSized(vtpmLog.bytes, lengthWidth: 4)
        writer.writeSized(firmwareLog, lengthWidth: 4)
        writer.writeSized(imaLog, lengthWidth: 4)
        DomainMeasurement.serialize(domains, into: &writer)
    }
}
