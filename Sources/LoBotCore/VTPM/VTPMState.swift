// Everything a vTPM is, as one plaintext structure: identity, PCRs, counter, keys, event log, and
// the last checkpoint of the TPM its domain's guest uses. It only ever reaches disk inside a
// StateFile, encrypted under the MSK.
//
//   BYTE id[16];  TPM_PCRVALUE pcrs[24];  UINT64 counter;
//   UINT16 ekSize, ek[];  UINT16 srkSize, srk[];  UINT16 aikSize, aik[];  UINT16 bindSize, bind[]
//                                         /* PKCS#1 RSAPrivateKey DER, RSA-2048 */
//   event log (see EventLog)
//   UINT32 guestSize;  guest TPM checkpoint[guestSize]   /* 0: the guest TPM was never started */

public struct VTPMState: WireStructure, Equatable, Sendable {
    public static var wireName: String { "vTPM state" }
    static let maximumKeyBytes = 4096
    /// A checkpoint's three blobs at their limit, and its header.
    static let maximumGuestBytes = 3 * GuestTPMBlobs.maximumBlob + 64

    public var id: [UInt8]
    public var bank: PCRBank
    public var counter: UInt64
    public var endorsementKey: [UInt8]
    public var storageRootKey: [UInt8]
    public var identityKey: [UInt8]
    public var bindKey: [UInt8]
    public var log: EventLog
    /// The guest TPM as last checkpointed (nil until its domain first starts).
    public var guestTPM: GuestTPMCheckpoint?

    public init(
        id: [UInt8], bank: PCRBank, counter: UInt64, endorsementKey: [UInt8], storageRootKey: [UInt8],
        identityKey: [UInt8], bindKey: [UInt8], log: EventLog, guestTPM: GuestTPMCheckpoint? = nil
    ) {
        self.id = id
        self.bank = bank
        self.counter = counter
        self.endorsementKey = endorsementKey
        self.storageRootKey = storageRootKey
        self.identityKey = identityKey
        self.bindKey = bindKey
        self.log = log
        self.guestTPM = guestTPM
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        id = try reader.readBytes(16)
        var values: [SHA1Digest] = []
        for _ in 0..<TPMLimits.pcrCount { values.append(try SHA1Digest(parsing: &reader)) }
        bank = try PCRBank(values: values)
        counter = try reader.readUInt64()
        endorsementKey = try reader.readSized(lengthWidth: 2, maximum: Self.maximumKeyBytes, field: "ekSize")
        storageRootKey = try reader.readSized(lengthWidth: 2, maximum: Self.maximumKeyBytes, field: "srkSize")
        identityKey = try reader.readSized(lengthWidth: 2, maximum: Self.maximumKeyBytes, field: "aikSize")
        bindKey = try reader.readSized(lengthWidth: 2, maximum: Self.maximumKeyBytes, field: "bindSize")
        log = try EventLog.parse(from: &reader)
        // Offsets in an error inside the checkpoint count from its first byte.
        let guest = try reader.readSized(lengthWidth: 4, maximum: Self.maximumGuestBytes, field: "guestSize")
        guestTPM = guest.isEmpty ? nil : try GuestTPMCheckpoint(bytes: guest)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(id)
        for value in bank.values { value.serialize(into: &writer) }
        writer.write(counter)
        writer.writeSized(endorsementKey, lengthWidth: 2)
        writer.writeSized(storageRootKey, lengthWidth: 2)
        writer.writeSized(identityKey, lengthWidth: 2)
        writer.writeSized(bindKey, lengthWidth: 2)
        log.serialize(into: &writer)
        writer.writeSized(guestTPM?.bytes ?? [], lengthWidth: 4)
    }

    /// Overwrites the private keys in memory.
    public mutating func wipeKeys() {
        wipe(&endorsementKey)
        wipe(&storageRootKey)
        wipe(&identityKey)
        wipe(&bindKey)
        guestTPM?.blobs.wipeSecrets()
    }
}
