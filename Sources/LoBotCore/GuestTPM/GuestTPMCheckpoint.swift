// The guest TPM as its LoBot last committed it: the blobs, and the checkpoint's epoch. It lives
// inside the LoBot's own vTPM state (VTPMState), so it has the same dual root (encrypted under the
// MSK the factory made and the platform's TPM holds) and the same rollback anchor (the state's
// version in the platform's version store, itself anchored to the platform TPM's counter), and it
// travels, is adopted and is retired with its LoBot at every LSM step without a step of its own.
// Writes the guest makes between checkpoints go to the live file of that epoch (GuestTPMLiveFile).
//
//   UINT64 epoch;  guest TPM state (GuestTPMBlobs)

public struct GuestTPMCheckpoint: WireStructure, Equatable, Sendable {
    public static var wireName: String { "guest TPM checkpoint" }

    /// Counts checkpoints: a live file is only read with the checkpoint of its own epoch.
    public var epoch: UInt64
    public var blobs: GuestTPMBlobs

    public init(epoch: UInt64, blobs: GuestTPMBlobs) {
        self.epoch = epoch
        self.blobs = blobs
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        epoch = try reader.readUInt64()
        blobs = try GuestTPMBlobs.parse(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(epoch)
        blobs.serialize(into: &writer)
    }
}
