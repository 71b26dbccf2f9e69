// An encrypted, versioned LoBot state file: the vTPM state, a platform's version store, or a guest
// TPM's live state (its version is then the checkpoint epoch it belongs to). The
// plaintext is AES-256-GCM encrypted under the file's key; the header (kind, identity, rollback
// version) is authenticated as additional data, so no byte of the file can change without the
// open failing.
//
//   BYTE magic[4] = "LBSF";  UINT16 format = 1;  UINT8 kind;  BYTE id[16];  UINT64 version;
//   BYTE nonce[12];  UINT32 ciphertextSize;  BYTE ciphertext[ciphertextSize];  BYTE tag[16]

public struct StateFile: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot state file" }
    static let magic: [UInt8] = Array("LBSF".utf8)
    static let format: UInt16 = 1
    /// A vTPM with a full event log stays far below this.
    public static let maximumSize = 64 << 20

    public enum Kind: UInt8, Sendable {
        case vtpmState = 1
        case versionStore = 2
        case guestTPMLive = 3

        var name: String {
            switch self {
            case .vtpmState: return "vTPM state"
            case .versionStore: return "version store"
            case .guestTPMLive: return "guest TPM live state"
            }
        }
    }

    public var kind: Kind
    /// Whose file this is (the vTPM's identity); authenticated, so files cannot be swapped.
    public var id: [UInt8]
    /// The rollback version: must equal the rollback counter when the file is opened.
    public var version: UInt64
    public var nonce: [UInt8]
    public var ciphertext: [UInt8]
    public var tag: [UInt8]

    /// Encrypts `plaintext` as version `version` under `key`.
    public static func seal(_ plaintext: [UInt8], kind: Kind, id: [UInt8], version: UInt64, key: MasterKey)
        throws(LoBotError) -> StateFile
    {
        guard id.count == 16 else { throw .invalidArgument("a state file identity is 16 bytes") }
        var file = StateFile(kind: kind, id: id, version: version, nonce: try SecureRandom.bytes(12), ciphertext: [], tag: [])
        let sealed = try AESGCM.seal(plaintext, key: key.bytes, nonce: file.nonce, aad: file.header())
        file.ciphertext = sealed.ciphertext
        file.tag = sealed.tag
        return file
    }

    /// Decrypts; any altered byte fails here. The caller wipes the plaintext.
    public func open(key: MasterKey, path: String) throws(LoBotError) -> [UInt8] {
        try AESGCM.open(
            AESGCM.Sealed(ciphertext: ciphertext, tag: tag), key: key.bytes, nonce: nonce, aad: header(),
            what: "\(kind.name) \(path)")
    }

    init(kind: Kind, id: [UInt8], version: UInt64, nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) {
        self.kind = kind
        self.id = id
        self.version = version
        self.nonce = nonce
        self.ciphertext = ciphertext
        self.tag = tag
    }

    func header() -> [UInt8] {
        var writer = ByteWriter()
        writer.write(Self.magic)
        writer.write(Self.format)
        writer.write(kind.rawValue)
        writer.write(id)
        writer.write(version)
        writer.write(nonce)
        return writer.bytes
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expectUInt16(Self.format, field: "format")
        let at = reader.offset
        let rawKind = try reader.readUInt8()
        guard let kind = Kind(rawValue: rawKind) else {
            throw reader.failure(.unexpectedValue(field: "kind", value: UInt64(rawKind)), at: at)
        }
        self.kind = kind
        id = try reader.readBytes(16)
        version = try reader.readUInt64()
        nonce = try reader.readBytes(12)
        ciphertext = try reader.readSized(lengthWidth: 4, maximum: Self.maximumSize, field: "ciphertextSize")
        tag = try reader.readBytes(16)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(header())
        writer.writeSized(ciphertext, lengthWidth: 4)
        writer.write(tag)
    }
}
