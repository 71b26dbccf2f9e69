// The TCG PC client firmware event log (TCG PC Client Implementation Specification for
// Conventional BIOS 1.21, 10.4.1) as SeaBIOS writes it and Linux exposes it in
// /sys/kernel/security/tpm0/binary_bios_measurements: what the firmware extended into the
// platform's PCRs 0-7. Little-endian, unlike the TPM's own structures.
//
//   TCG_PCR_EVENT { UINT32 pcrIndex; UINT32 eventType; BYTE digest[20]; UINT32 eventSize;
//                   BYTE event[eventSize] }   repeated to the end

public struct FirmwareEvent: Equatable, Sendable {
    public var pcr: UInt32
    public var type: UInt32
    public var digest: SHA1Digest
    public var data: [UInt8]

    /// EV_NO_ACTION: logged, never extended.
    public static let noAction: UInt32 = 0x03
}

public struct FirmwareEventLog: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TCG firmware event log" }
    public static let maximumEvents = 4096
    public var events: [FirmwareEvent]

    public init(events: [FirmwareEvent]) { self.events = events }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        events = []
        while !reader.isAtEnd {
            guard events.count < Self.maximumEvents else { throw reader.failure(.inconsistent("more than \(Self.maximumEvents) events")) }
            let at = reader.offset
            let pcr = try reader.readUInt32LE()
            guard pcr < UInt32(TPMLimits.pcrCount) else { throw reader.failure(.unexpectedValue(field: "pcrIndex", value: UInt64(pcr)), at: at) }
            let type = try reader.readUInt32LE()
            let digest = try SHA1Digest(parsing: &reader)
            let sizeAt = reader.offset
            let size = try reader.readUInt32LE()
            guard size <= 64 << 10 else {
                throw reader.failure(.lengthTooLarge(field: "eventSize", value: UInt64(size), maximum: 64 << 10), at: sizeAt)
            }
            events.append(FirmwareEvent(pcr: pcr, type: type, digest: digest, data: try reader.readBytes(Int(size))))
        }
    }

    public func serialize(into writer: inout ByteWriter) {
        for event in events {
            writer.writeLE(event.pcr)
            writer.writeLE(event.type)
            event.digest.serialize(into: &writer)
            writer.writeLE(UInt32(event.data.count))
            writer.write(event.data)
        }
    }

    /// The PCR values the log produces from zero (firmware PCRs start at zero).
    public func replay() throws(LoBotError) -> [SHA1Digest] {
        var values = [SHA1Digest](repeating: .zero, count: TPMLimits.pcrCount)
        for event in events where event.type != FirmwareEvent.noAction {
            values[Int(event.pcr)] = try SHA1Digest.of(values[Int(event.pcr)].value + event.digest.value)
        }
        return values
    }
}
