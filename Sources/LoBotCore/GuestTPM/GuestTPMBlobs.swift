// A guest TPM's state as its engine (libtpms) keeps it: the permanent state (NVRAM: seeds, keys,
// NV indices, counters, owner), and, when the TPM is stopped in the middle of its life (a
// migration), the volatile state (PCRs, loaded objects, sessions) and TPM 1.2's saved state
// (TPM_SaveState). Each is an opaque blob of libtpms' own format; LoBot only stores and moves
// them, and they never reach a disk outside a file encrypted under the LoBot's MSK.
//
//   UINT8 family;  UINT32 permanentSize, permanent[];  UINT32 volatileSize, volatile[];
//   UINT32 saveStateSize, saveState[]                   /* empty: none */

public struct GuestTPMBlobs: WireStructure, Equatable, Sendable {
    public static var wireName: String { "guest TPM state" }
    /// libtpms' TPM 2.0 NVRAM is far below this (its NV_MEMORY_SIZE is 128 KiB); a TPM 1.2's too.
    public static let maximumBlob = 1 << 20

    public var family: GuestTPMFamily
    public var permanent: [UInt8]
    public var volatile: [UInt8]
    public var saveState: [UInt8]

    public init(family: GuestTPMFamily, permanent: [UInt8], volatile: [UInt8] = [], saveState: [UInt8] = []) {
        self.family = family
        self.permanent = permanent
        self.volatile = volatile
        self.saveState = saveState
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let at = reader.offset
        let raw = try reader.readUInt8()
        guard let family = GuestTPMFamily(rawValue: raw) else {
            throw reader.failure(.unexpectedValue(field: "family", value: UInt64(raw)), at: at)
        }
        self.family = family
        let permanentAt = reader.offset
        permanent = try reader.readSized(lengthWidth: 4, maximum: Self.maximumBlob, field: "permanentSize")
        guard !permanent.isEmpty else { throw reader.failure(.inconsistent("a guest TPM has a permanent state"), at: permanentAt) }
        volatile = try reader.readSized(lengthWidth: 4, maximum: Self.maximumBlob, field: "volatileSize")
        saveState = try reader.readSized(lengthWidth: 4, maximum: Self.maximumBlob, field: "saveStateSize")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(family.rawValue)
        writer.writeSized(permanent, lengthWidth: 4)
        writer.writeSized(volatile, lengthWidth: 4)
        writer.writeSized(saveState, lengthWidth: 4)
    }

    /// SHA-256 of the serialized blobs: what a qemu migration stream carries in their place.
    public func digest() throws(LoBotError) -> [UInt8] {
        var plain = bytes
        defer { wipe(&plain) }
        return try Digest.sha256(plain)
    }

    /// Overwrites the blobs in memory (they hold the TPM's seeds and keys).
    public mutating func wipeSecrets() {
        wipe(&permanent)
        wipe(&volatile)
        wipe(&saveState)
    }
}
