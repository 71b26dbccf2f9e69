// The vTPM's measurement log: every change to a PCR, in order, with what caused it, so that a
// verifier can replay the log to the quoted values and say which file gave which value.
//
//   Event:   UINT8  pcr;  UINT8 kind;  digest (32 bytes for a measurement, 20 for an extend,
//            none for a reset);  UINT8 nameLength;  BYTE name[nameLength] (UTF-8)
//   Log:     UINT32 count;  Event events[count]
//
// A measurement keeps the SHA-256 of what was measured; the SHA-1 PCR is extended with
// SHA-1(that SHA-256 digest), so the log names content by SHA-256 while the bank stays TPM 1.2.

public struct Event: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot event" }
    public static let maximumNameBytes = 255

    public enum Kind: Equatable, Sendable {
        /// SHA-256 of measured content.
        case measurement(sha256: [UInt8])
        /// A raw TPM_Extend with a 20-byte digest.
        case extend(SHA1Digest)
        /// TPM_PCR_Reset.
        case reset
    }

    public var pcr: Int
    public var kind: Kind
    public var name: String

    public init(pcr: Int, kind: Kind, name: String) throws(LoBotError) {
        try PCRBank.check(pcr)
        guard name.utf8.count <= Self.maximumNameBytes else {
            throw .invalidArgument("event name longer than \(Self.maximumNameBytes) bytes")
        }
        if case .measurement(let digest) = kind, digest.count != 32 {
            throw .invalidArgument("a measurement digest is 32 bytes of SHA-256")
        }
        self.pcr = pcr
        self.kind = kind
        self.name = name
    }

    /// What this event extends into its PCR (nil for a reset).
    public func extendValue() throws(LoBotError) -> SHA1Digest? {
        switch kind {
        case .measurement(let sha256): return try SHA1Digest.of(sha256)
        case .extend(let digest): return digest
        case .reset: return nil
        }
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let at = reader.offset
        let index = try reader.readUInt8()
        guard Int(index) < TPMLimits.pcrCount else {
            throw reader.failure(.unexpectedValue(field: "pcr", value: UInt64(index)), at: at)
        }
        pcr = Int(index)
        let kindAt = reader.offset
        switch try reader.readUInt8() {
        case 1: kind = .measurement(sha256: try reader.readBytes(32))
        case 2: kind = .extend(try SHA1Digest(parsing: &reader))
        case 3: kind = .reset
        case let other: throw reader.failure(.unexpectedValue(field: "kind", value: UInt64(other)), at: kindAt)
        }
        name = try reader.readString(lengthWidth: 1, maximum: Self.maximumNameBytes, field: "name", allowEmpty: true)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(UInt8(pcr))
        switch kind {
        case .measurement(let sha256):
            writer.write(UInt8(1))
            writer.write(sha256)
        case .extend(let digest):
            writer.write(UInt8(2))
            digest.serialize(into: &writer)
        case .reset:
            writer.write(UInt8(3))
        }
        writer.writeString(name, lengthWidth: 1)
    }
}

public struct EventLog: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot event log" }
    /// A guard against a hostile count; far above any real LoBot's life.
    public static let maximumEvents = 1 << 20

    public var events: [Event]

    public init(events: [Event] = []) { self.events = events }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let count = try reader.readCount(lengthWidth: 4, maximum: Self.maximumEvents, field: "count")
        events = []
        for _ in 0..<count { events.append(try Event.parse(from: &reader)) }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(UInt32(events.count))
        for event in events { event.serialize(into: &writer) }
    }

    /// The PCR values the log produces from startup.
    public func replay() throws(LoBotError) -> PCRBank {
        var bank = PCRBank()
        for event in events { try bank.apply(event) }
        return bank
    }
}
