// TPM2B_PUBLIC (Part 2, 12.2.5): a TPMT_PUBLIC with its size, as TPM2_ReadPublic and TPM2_Create
// return it and as tpm2-tools writes public keys (`tpm2_readpublic -o`, `tpm2_createak -u`).
//
//   UINT16 size;                       /* the TPMT_PUBLIC's length, refused if it is not */
//   TPMT_PUBLIC publicArea;

public struct TPM2BPublic: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM2B_PUBLIC" }

    public var publicArea: TPMTPublic

    public init(_ publicArea: TPMTPublic) { self.publicArea = publicArea }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        publicArea = try reader.readSizedStructure(TPMTPublic.self, maximum: TPM2Limits.maxPublicBytes, field: "size")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.writeSizedStructure(publicArea)
    }

    /// The object's Name (TPMTPublic.name).
    public func name() throws(LoBotError) -> [UInt8] { try publicArea.name() }
}
