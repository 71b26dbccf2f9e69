// What a qemu migration stream carries in place of the guest TPM's state. qemu's TPM emulator
// backend asks its TPM for state blobs when it saves a VM and hands them back on the destination;
// LoBot's server answers with this reference, never the state: the state travels once, inside the
// LoBot (sealed under its MSK, rewrapped to the destination's TPM, released only after the
// factory's verdict), and the destination's server takes the reference back only if it names the
// state it holds. So there is one source of truth, and qemu's stream holds no TPM secret.
//
//   BYTE magic[4] = "LBGR";  UINT8 version = 1;  BYTE vtpmID[16];  BYTE digest[32]
//                                 /* SHA-256 of the guest TPM state (GuestTPMBlobs) */

public struct GuestTPMReference: WireStructure, Equatable, Sendable {
    public static var wireName: String { "guest TPM reference" }
    static let magic: [UInt8] = Array("LBGR".utf8)

    /// The LoBot whose guest TPM this is.
    public var vtpmID: VTPMID
    public var digest: [UInt8]

    public init(vtpmID: VTPMID, digest: [UInt8]) {
        self.vtpmID = vtpmID
        self.digest = digest
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([1], field: "version")
        vtpmID = try VTPMID(parsing: &reader)
        digest = try reader.readBytes(32)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(UInt8(1))
        vtpmID.serialize(into: &writer)
        writer.write(digest)
    }
}
