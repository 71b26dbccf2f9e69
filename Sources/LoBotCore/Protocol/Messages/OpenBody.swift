// The open body (LSP/LSM steps 1-3): the factory tells the destination, and through proceed the
// source, what the session is about. Factory -> destination; embedded, factory-signed, in proceed.
//
//   UINT8 kind (1 = provision, 2 = migrate);  LoBot domain config domain ("LBDC");
//   UINT8 length; BYTE lobot[length];  BYTE vtpmID[16];
//   UINT8 length; BYTE source[length];  UINT8 length; BYTE destination[length];
//   TPM_NONCE quoteNonce;  TPM_NONCE vtpmNonce;
//   UINT16 size; BYTE sourceSigningKey[size] (platform public key, at most 1024; empty when the factory is the source)

/// What a session is: provisioning a new LoBot and aDom from the factory (LSP), or migrating a
/// running one between platforms (LSM).
public enum SessionKind: UInt8, Sendable {
    case provision = 1
    case migrate = 2
}

/// 1-3 (open): factory -> destination; also embedded, factory-signed, in `proceed` for the source.
public struct OpenBody: WireStructure, Equatable, Sendable {
    public static var wireName: String { "open message body" }
    public var kind: SessionKind
    public var domain: DomainConfig
    public var lobot: String
    public var vtpmID: VTPMID
    public var source: String
    public var destination: String
    /// The nonce the destination's platform quote (step 9) must carry.
    public var quoteNonce: TPMNonce
    /// The nonce LoBot_D's vTPM quote (step 9) must carry.
    public var vtpmNonce: TPMNonce
    /// The source platform's signing key (none when the factory is the source).
    public var sourceSigningKey: PlatformPublicKey?

    public init(kind: SessionKind, domain: DomainConfig, lobot: String, vtpmID: VTPMID, source: String, destination: String,
                quoteNonce: TPMNonce, vtpmNonce: TPMNonce, sourceSigningKey: PlatformPublicKey?) {
        self.kind = kind
        self.domain = domain
        self.lobot = lobot
        self.vtpmID = vtpmID
        self.source = source
        self.destination = destination
        self.quoteNonce = quoteNonce
        self.vtpmNonce = vtpmNonce
        self.sourceSigningKey = sourceSigningKey
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let at = reader.offset
        let rawKind = try reader.readUInt8()
        guard let kind = SessionKind(rawValue: rawKind) else {
            throw reader.failure(.unexpectedValue(field: "kind", value: UInt64(rawKind)), at: at)
        }
        self.kind = kind
        domain = try DomainConfig.parse(from: &reader)
        lobot = try reader.readName(field: "lobot")
        vtpmID = try VTPMID(parsing: &reader)
        source = try reader.readName(field: "source")
        destination = try reader.readName(field: "destination")
        quoteNonce = try TPMNonce(parsing: &reader)
        vtpmNonce = try TPMNonce(parsing: &reader)
        sourceSigningKey = try PlatformPublicKey.parseSized(from: &reader, field: "sourceSigningKey")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(kind.rawValue)
        domain.serialize(into: &writer)
        writer.writeString(lobot, lengthWidth: 1)
        vtpmID.serialize(into: &writer)
        writer.writeString(source, lengthWidth: 1)
        writer.writeString(destination, lengthWidth: 1)
        quoteNonce.serialize(into: &writer)
        vtpmNonce.serialize(into: &writer)
        PlatformPublicKey.serializeSized(sourceSigningKey, into: &writer)
    }
}
