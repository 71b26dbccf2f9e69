// The vTPM state on disk: a VTPMState encrypted and authenticated with AES-256-GCM under the
// vTPM's master storage key (MSK). The header (with the rollback version) is authenticated as
// additional data, so no byte of the file can change without the open failing.
//
//   BYTE magic[4] = "LBVT";  UINT16 format = 1;  UINT64 version;  BYTE nonce[12];
//   UINT32 ciphertextSize;  BYTE ciphertext[ciphertextSize];  BYTE tag[16]

public struct StateFile: WireStructure, Equatable, Sendable {
    public static var wireName: String { "vTPM state file" }
    static let magic: [UInt8] = Array("LBVT".utf8)
    static let format: UInt16 = 1
    /// A vTPM with a full event log stays far below this.
    public static let maximumSize = 64 << 20

    /// The rollback version: must equal the rollback counter when the file is opened.
    public var version: UInt64
    public var nonce: [UInt8]
    public var ciphertext: [UInt8]
    public var tag: [UInt8]

    /// Encrypts `state` as version `version` under `msk`.
    public static func seal(_ state: VTPMState, version: UInt64, msk: MasterKey) throws(LoBotError) -> StateFile {
        var file = StateFile(version: version, nonce: try SecureRandom.bytes(12), ciphertext: [], tag: [])
        var plain = state.bytes
        defer { wipe(&plain) }
        let sealed = try AESGCM.seal(plain, key: msk.bytes, nonce: file.nonce, aad: file.header())
        file.ciphertext = sealed.ciphertext
        file.tag = sealed.tag
        return file
    }

    /// Decrypts and parses the state; any altered byte fails here.
    public func open(msk: MasterKey, path: String) throws(LoBotError) -> VTPMState {
        var plain = try AESGCM.open(
            AESGCM.Sealed(ciphertext: ciphertext, tag: tag), key: msk.bytes, nonce: nonce, aad: header(),
            what: "vTPM state \(path)")
        defer { wipe(&plain) }
        return try VTPMState(bytes: plain)
    }

    init(version: UInt64, nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) {
        self.version = version
        self.nonce = nonce
        self.ciphertext = ciphertext
        self.tag = tag
    }

    func header() -> [UInt8] {
        var writer = ByteWriter()
        writer.write(Self.magic)
        writer.write(Self.format)
        writer.write(version)
        writer.write(nonce)
        return writer.bytes
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expectUInt16(Self.format, field: "format")
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
