// What the guest TPM's server writes, durably, before it answers a guest command that changed the
// TPM's NVRAM: the whole state as it is now, numbered within its checkpoint's epoch. It is sealed
// in a LoBot state file (kind guestTPMLive) whose version is the epoch, under a key derived from
// the MSK for that epoch (GuestTPMKeys), so it opens only with its own LoBot's checkpoint of that
// epoch and no file of an earlier epoch is ever taken for current.
//
//   UINT64 sequence;  guest TPM state (GuestTPMBlobs)

public struct GuestTPMLiveState: WireStructure, Equatable, Sendable {
    public static var wireName: String { "guest TPM live state" }

    /// 1 for the first write after the checkpoint, then one more for each.
    public var sequence: UInt64
    public var blobs: GuestTPMBlobs

    public init(sequence: UInt64, blobs: GuestTPMBlobs) {
        self.sequence = sequence
        self.blobs = blobs
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let at = reader.offset
        sequence = try reader.readUInt64()
        guard sequence > 0 else { throw reader.failure(.unexpectedValue(field: "sequence", value: 0), at: at) }
        blobs = try GuestTPMBlobs.parse(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(sequence)
        blobs.serialize(into: &writer)
    }
}
