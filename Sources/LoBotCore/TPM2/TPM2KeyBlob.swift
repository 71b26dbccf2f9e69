// A TPM 2.0 key LoBot made under the platform's storage primary, as it keeps it in the platform
// directory: what TPM2_Create returned, with the kind it was made as, so that the platform can
// check the public area is shaped as LoBot makes that kind before the blob reaches TPM2_Load.
// The private part is wrapped by the storage primary and useless outside that TPM.
//
//   BYTE magic[4];                     /* "LB2B" */
//   UINT8 version;                     /* 1 */
//   UINT8 kind;                        /* 1 attestation key, 2 bind key, 3 signing key */
//   TPM2B_PRIVATE private;             /* TPM2_Create's outPrivate */
//   TPM2B_PUBLIC public;               /* TPM2_Create's outPublic */

public struct TPM2KeyBlob: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot TPM 2.0 key blob" }
    public static let magic: [UInt8] = Array("LB2B".utf8)
    public static let version: UInt8 = 1

    public var kind: TPM2KeyKind
    public var privatePart: TPM2BPrivate
    public var publicPart: TPM2BPublic

    public init(kind: TPM2KeyKind, privatePart: TPM2BPrivate, publicPart: TPM2BPublic) {
        self.kind = kind
        self.privatePart = privatePart
        self.publicPart = publicPart
    }

    public var publicArea: TPMTPublic { publicPart.publicArea }

    static func code(_ kind: TPM2KeyKind) -> UInt8 {
        switch kind {
        case .attestation: return 1
        case .bind: return 2
        case .signing: return 3
        case .storage: return 4
        }
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([Self.version], field: "version")
        let at = reader.offset
        switch try reader.readUInt8() {
        case 1: kind = .attestation
        case 2: kind = .bind
        case 3: kind = .signing
        case let other: throw reader.failure(.unexpectedValue(field: "kind", value: UInt64(other)), at: at)
        }
        privatePart = try TPM2BPrivate.parse(from: &reader)
        publicPart = try TPM2BPublic.parse(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(Self.version)
        writer.write(Self.code(kind))
        privatePart.serialize(into: &writer)
        publicPart.serialize(into: &writer)
    }
}
