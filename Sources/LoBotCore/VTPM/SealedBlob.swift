// Data sealed to PCR values of one vTPM: only that vTPM (it holds the storage key) and only
// while the selected PCRs have the recorded values can open it. Unlike TPM_Seal, anyone with the
// vTPM's storage public key can seal to it (step 11 of LSM: the source seals the aDom measurement
// to LoBot_D's PCRs), and the payload may be of any size.
//
//   LoBot sealed blob:  BYTE magic[4] = "LBSL";  UINT8 version = 1;
//                       TPM_PCR_INFO_LONG pcrInfo;            /* the release condition */
//                       UINT16 wrappedKeySize;  BYTE wrappedKey[]; /* RSA-OAEP to the storage key of
//                                                 K (32 bytes) || SHA-1(pcrInfo), label "LoBot seal" */
//                       BYTE nonce[12];  UINT32 ciphertextSize;  BYTE ciphertext[];  BYTE tag[16]
//
// AES-256-GCM under K authenticates every byte before the nonce as additional data. Unseal
// checks, in order: the wrapped key opens, it names this pcrInfo, the ciphertext authenticates,
// and only then the PCRs; a flipped bit anywhere is an authentication or parse failure, never a
// PCR mismatch.

public struct SealedBlob: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot sealed blob" }
    static let magic: [UInt8] = Array("LBSL".utf8)
    static let label: [UInt8] = Array("LoBot seal".utf8)
    /// Sealed payloads are files of a LoBot's world: kernels and states are measured, not sealed.
    public static let maximumPayload = 64 << 20

    public var pcrInfo: PCRInfoLong
    public var wrappedKey: [UInt8]
    public var nonce: [UInt8]
    public var ciphertext: [UInt8]
    public var tag: [UInt8]

    /// Seals `data` so it opens only where the selected PCRs hash to `digestAtRelease`.
    public static func seal(
        _ data: [UInt8], to storageKey: RSAPublicKey, selection: PCRSelection, digestAtRelease: SHA1Digest
    ) throws(LoBotError) -> SealedBlob {
        guard data.count <= maximumPayload else { throw .invalidArgument("sealed payload larger than 64 MiB") }
        let info = PCRInfoLong(
            localityAtCreation: 0x01, localityAtRelease: 0x1f, creationPCRSelection: selection,
            releasePCRSelection: selection, digestAtCreation: digestAtRelease, digestAtRelease: digestAtRelease)
        var key = try SecureRandom.bytes(AESGCM.keyLength)
        defer { wipe(&key) }
        var wrapInput = key + (try Digest.sha1(info.bytes))
        defer { wipe(&wrapInput) }
        let wrapped = try storageKey.encryptOAEP(wrapInput, label: label)
        var blob = SealedBlob(pcrInfo: info, wrappedKey: wrapped, nonce: try SecureRandom.bytes(12), ciphertext: [], tag: [])
        let sealed = try AESGCM.seal(data, key: key, nonce: blob.nonce, aad: blob.authenticatedHeader())
        blob.ciphertext = sealed.ciphertext
        blob.tag = sealed.tag
        return blob
    }

    /// Opens the blob with the storage private key, if `currentDigest` (the composite hash of the
    /// release selection now) matches.
    public func unseal(
        with storageKey: RSAPrivateKey, currentDigest: (PCRSelection) throws(LoBotError) -> SHA1Digest
    ) throws(LoBotError) -> [UInt8] {
        var unwrapped = try storageKey.decryptOAEP(wrappedKey, label: Self.label, what: "sealed blob")
        defer { wipe(&unwrapped) }
        guard unwrapped.count == AESGCM.keyLength + 20,
            Array(unwrapped[AESGCM.keyLength...]) == (try Digest.sha1(pcrInfo.bytes))
        else { throw .authentication(what: "sealed blob") }
        var key = Array(unwrapped[0..<AESGCM.keyLength])
        defer { wipe(&key) }
        var plain = try AESGCM.open(
            AESGCM.Sealed(ciphertext: ciphertext, tag: tag), key: key, nonce: nonce, aad: authenticatedHeader(),
            what: "sealed blob")
        guard try currentDigest(pcrInfo.releasePCRSelection) == pcrInfo.digestAtRelease else {
            wipe(&plain)
            throw .pcrMismatch(
                "sealed to PCRs \(PCRList.describe(pcrInfo.releasePCRSelection.indices)) with other values")
        }
        return plain
    }

    init(pcrInfo: PCRInfoLong, wrappedKey: [UInt8], nonce: [UInt8], ciphertext: [UInt8], tag: [UInt8]) {
        self.pcrInfo = pcrInfo
        self.wrappedKey = wrappedKey
        self.nonce = nonce
        self.ciphertext = ciphertext
        self.tag = tag
    }

    func authenticatedHeader() -> [UInt8] {
        var writer = ByteWriter()
        writer.write(Self.magic)
        writer.write(UInt8(1))
        pcrInfo.serialize(into: &writer)
        writer.writeSized(wrappedKey, lengthWidth: 2)
        return writer.bytes
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([1], field: "version")
        pcrInfo = try PCRInfoLong.parse(from: &reader)
        wrappedKey = try reader.readSized(lengthWidth: 2, maximum: TPMLimits.maxModulusBytes, field: "wrappedKeySize")
        nonce = try reader.readBytes(12)
        ciphertext = try reader.readSized(lengthWidth: 4, maximum: Self.maximumPayload, field: "ciphertextSize")
        tag = try reader.readBytes(16)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(authenticatedHeader())
        writer.write(nonce)
        writer.writeSized(ciphertext, lengthWidth: 4)
        writer.write(tag)
    }
}
