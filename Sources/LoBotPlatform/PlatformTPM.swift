// The platform's TPM 1.2, reached through libtspi and tcsd: PCRs, quotes, the privacy-CA
// enrollment of an AIK, a certified bind key, unbind, and the endorsement key. Keys live as
// TPM-wrapped blobs in files; each is loaded under the SRK when a connection first uses it. The
// owner and SRK secrets default to the well-known secret (a platform owned with
// `tpm_takeownership -z`).
import CTSPI
import LoBotCore

public final class PlatformTPM {
    let context: TSSContext
    let tpm: TSS_HTPM
    let srk: TSS_HKEY
    let ownerSecret: [UInt8]
    /// The keys loaded on this connection, by their blob: a step unbinds, signs and quotes with the
    /// same two or three keys many times, and each TPM_LoadKey2 (an RSA decryption under the SRK,
    /// with its own OIAP session) cost as much as the use it served. tcsd keeps the blob of every
    /// key it loads and swaps keys in and out of the TPM's slots itself.
    private var loaded: [(blob: [UInt8], handle: TSS_HKEY)] = []
    /// What this TPM has unbound (PlatformRoot.unbind).
    public let unbound = UnboundSecrets()

    public init(ownerSecret: [UInt8]? = nil, srkSecret: [UInt8]? = nil) throws(LoBotError) {
        context = try TSSContext()
        var tpm: TSS_HTPM = 0
        try tss(Tspi_Context_GetTpmObject(context.handle, &tpm), "get the TPM object")
        self.tpm = tpm
        self.ownerSecret = ownerSecret ?? wellKnownSecret
        var srk: TSS_HKEY = 0
        try tss(Tspi_Context_LoadKeyByUUID(context.handle, TSS_FLAG(TSS_PS_TYPE_SYSTEM), lobot_srk_uuid(), &srk), "load the SRK")
        self.srk = srk
        try context.assignSecret(srkSecret ?? wellKnownSecret, to: srk)
    }

    /// Closes the connection to tcsd; later calls fail. tcsd, asked to stop, first waits for
    /// each client it serves to go: the LoBot VM disconnects before it stops its tcsd.
    public func disconnect() {
        loaded = []
        context.close()
    }

    /// Loads a TPM-wrapped key blob under the SRK, with the well-known usage secret. The blob must
    /// parse as a TPM_KEY/TPM_KEY12 first: libtspi and tcsd read a short or malformed one out of
    /// bounds (the tamper matrix saw both crash on a truncated blob). And its public part must be
    /// shaped as LoBot makes that key: swtpm answers TPM_LoadKey2 of a blob whose usage, flags,
    /// authDataUsage or parameters were changed with TPM_AUTHFAIL, and a few of those put the TPM
    /// into its dictionary-attack lockout (the tamper matrix saw each of these fields do it).
    func loadKey(_ blob: [UInt8], _ kind: PlatformKey) throws(LoBotError) -> TSS_HKEY {
        try kind.check(try KeyBlob(bytes: blob))
        if let known = loaded.first(where: { $0.blob == blob }) { return known.handle }
        var key: TSS_HKEY = 0
        var copy = blob
        let rc = copy.withUnsafeMutableBufferPointer {
            Tspi_Context_LoadKeyByBlob(context.handle, srk, UInt32($0.count), $0.baseAddress, &key)
        }
        try tss(rc, "load the \(kind.name)")
        try context.assignSecret(wellKnownSecret, to: key)
        loaded.append((blob, key))
        return key
    }

    // MARK: PCRs

    public func readPCR(_ index: Int) throws(LoBotError) -> SHA1Digest {
        try PCRBank.check(index)
        var length: UInt32 = 0
        var value: UnsafeMutablePointer<BYTE>? = nil
        try tss(Tspi_TPM_PcrRead(tpm, UInt32(index), &length, &value), "read PCR \(index)")
        guard let digest = SHA1Digest(context.take(value, length)) else { throw .tpmRule("PCR \(index) is not 20 bytes") }
        return digest
    }

    @discardableResult
    public func extend(_ index: Int, with digest: SHA1Digest) throws(LoBotError) -> SHA1Digest {
        try PCRBank.check(index)
        var input = digest.value
        var length: UInt32 = 0
        var value: UnsafeMutablePointer<BYTE>? = nil
        let rc = input.withUnsafeMutableBufferPointer {
            Tspi_TPM_PcrExtend(tpm, UInt32(index), 20, $0.baseAddress, nil, &length, &value)
        }
        try tss(rc, "extend PCR \(index)")
        guard let new = SHA1Digest(context.take(value, length)) else { throw .tpmRule("PCR \(index) is not 20 bytes") }
        return new
    }

    // MARK: quotes

    /// TPM_Quote of `indices` with `nonce`, signed by the AIK in `aikBlob`.
    public func quote(aikBlob: [UInt8], indices: [Int], nonce: TPMNonce) throws(LoBotError) -> Quote {
        let aik = try loadKey(aikBlob, .aik)
        let pcrs = try context.createObject(TSS_FLAG(TSS_OBJECT_TYPE_PCRS), 0, "PCR selection")
        for index in indices { try tss(Tspi_PcrComposite_SelectPcrIndex(pcrs, UInt32(index)), "select PCR \(index)") }
        let (info, signature) = try withValidation(nonce) { (v) in Tspi_TPM_Quote(tpm, aik, pcrs, v) }
        var values: [SHA1Digest] = []
        for index in indices {
            var length: UInt32 = 0
            var value: UnsafeMutablePointer<BYTE>? = nil
            try tss(Tspi_PcrComposite_GetPcrValue(pcrs, UInt32(index), &length, &value), "read quoted PCR \(index)")
            guard let digest = SHA1Digest(context.take(value, length)) else { throw .tpmRule("PCR value is not 20 bytes") }
            values.append(digest)
        }
        // TrouSerS sizes the selection of a TPM_PCR_INFO-style composite to the highest PCR, at
        // least 2 bytes; the quote is over exactly that selection.
        let selection = try PCRSelection(indices, byteCount: max(2, (indices.max() ?? 0) / 8 + 1))
        let quote = Quote(
            form: .quote, localityAtRelease: 0, nonce: nonce,
            composite: try PCRComposite(selection: selection, values: values), signature: signature)
        guard try quote.signedBytes() == info else { throw .tpmRule("the TPM's quote does not cover the PCR values it returned") }
        return quote
    }

    /// TPM_Quote2 (TPM_QUOTE_INFO2, what tpm-quote-tools uses) of `indices` with `nonce`.
    public func quote2(aikBlob: [UInt8], indices: [Int], nonce: TPMNonce) throws(LoBotError) -> Quote {
        let aik = try loadKey(aikBlob, .aik)
        let pcrs = try context.createObject(
            TSS_FLAG(TSS_OBJECT_TYPE_PCRS), TSS_FLAG(TSS_PCRS_STRUCT_INFO_SHORT), "PCR selection")
        for index in indices {
            try tss(Tspi_PcrComposite_SelectPcrIndexEx(pcrs, UInt32(index), LOBOT_PCRS_DIRECTION_RELEASE),
                    "select PCR \(index)")
        }
        var versionLength: UInt32 = 0
        var version: UnsafeMutablePointer<BYTE>? = nil
        let (info, signature) = try withValidation(nonce) { (v) in
            Tspi_TPM_Quote2(tpm, aik, 0, pcrs, v, &versionLength, &version)
        }
        _ = context.take(version, versionLength)
        let parsed = try QuoteInfo2(bytes: info)
        var values: [SHA1Digest] = []
        for index in parsed.infoShort.pcrSelection.indices { values.append(try readPCR(index)) }
        let quote = Quote(
            form: .quote2, localityAtRelease: parsed.infoShort.localityAtRelease, nonce: nonce,
            composite: try PCRComposite(selection: parsed.infoShort.pcrSelection, values: values), signature: signature)
        guard try quote.signedBytes() == info else { throw .tpmRule("the PCRs changed while they were quoted; quote again") }
        return quote
    }

    /// Runs a TSS call that takes TSS_VALIDATION with `nonce` as external data; returns the
    /// signed data and the signature.
    private func withValidation(
        _ nonce: TPMNonce, _ call: (UnsafeMutablePointer<TSS_VALIDATION>) -> TSS_RESULT
    ) throws(LoBotError) -> ([UInt8], [UInt8]) {
        var external = nonce.value
        var validation = TSS_VALIDATION()
        let rc = external.withUnsafeMutableBufferPointer { buffer -> TSS_RESULT in
            validation.ulExternalDataLength = 20
            validation.rgbExternalData = buffer.baseAddress
            return call(&validation)
        }
        try tss(rc, "sign with the AIK")
        let data = context.take(validation.rgbData, validation.ulDataLength)
        let signature = context.take(validation.rgbValidationData, validation.ulValidationDataLength)
        return (data, signature)
    }

    // MARK: enrollment

    /// The endorsement key's public half (owner authorisation).
    public func endorsementPublicKey() throws(LoBotError) -> PubKey {
        try context.assignSecret(ownerSecret, to: tpm)
        var ek: TSS_HKEY = 0
        try tss(Tspi_TPM_GetPubEndorsementKey(tpm, 1, nil, &ek), "read the endorsement key")
        return try PubKey(bytes: try context.attribute(
            ek, TSS_FLAG(TSS_TSPATTRIB_KEY_BLOB), TSS_FLAG(TSS_TSPATTRIB_KEYBLOB_PUBLIC_KEY), "endorsement key"))
    }

    /// Tspi_TPM_CollateIdentityRequest: a new AIK and the identity request for the privacy CA
    /// whose encryption key is `caKey` (returned: the request and the AIK's key blob).
    public func collateIdentityRequest(
        caKey: PubKey, label: [UInt8], endorsementCredential: [UInt8]?
    ) throws(LoBotError) -> (request: [UInt8], aikBlob: [UInt8]) {
        try context.assignSecret(ownerSecret, to: tpm)
        let ca = try context.createObject(
            TSS_FLAG(TSS_OBJECT_TYPE_RSAKEY), TSS_FLAG(TSS_KEY_TYPE_LEGACY) | LOBOT_KEY_SIZE_2048, "CA key")
        try context.setAttribute(ca, TSS_FLAG(TSS_TSPATTRIB_KEY_BLOB), TSS_FLAG(TSS_TSPATTRIB_KEYBLOB_PUBLIC_KEY), caKey.bytes, "CA key")
        let aik = try context.createObject(
            TSS_FLAG(TSS_OBJECT_TYPE_RSAKEY),
            TSS_FLAG(TSS_KEY_TYPE_IDENTITY | TSS_KEY_AUTHORIZATION | TSS_KEY_NOT_MIGRATABLE) | LOBOT_KEY_SIZE_2048, "AIK")
        try context.assignSecret(wellKnownSecret, to: aik)
        if let endorsementCredential {
            try context.setAttribute(tpm, TSS_FLAG(TSS_TSPATTRIB_TPM_CREDENTIAL), TSS_FLAG(TSS_TPMATTRIB_EKCERT),
                                     endorsementCredential, "endorsement credential")
        }
        var labelCopy = label
        var length: UInt32 = 0
        var request: UnsafeMutablePointer<BYTE>? = nil
        let rc = labelCopy.withUnsafeMutableBufferPointer {
            Tspi_TPM_CollateIdentityRequest(tpm, srk, ca, UInt32($0.count), $0.baseAddress, aik,
                                            TSS_ALGORITHM_ID(TSS_ALG_AES), &length, &request)
        }
        try tss(rc, "collate an identity request")
        let requestBytes = context.take(request, length)
        let blob = try context.attribute(aik, TSS_FLAG(TSS_TSPATTRIB_KEY_BLOB), TSS_FLAG(TSS_TSPATTRIB_KEYBLOB_BLOB), "AIK blob")
        return (requestBytes, blob)
    }

    /// Tspi_TPM_ActivateIdentity: the credential the privacy CA encrypted for this AIK.
    public func activateIdentity(aikBlob: [UInt8], asymmetric: [UInt8], symmetric: [UInt8]) throws(LoBotError) -> [UInt8] {
        try context.assignSecret(ownerSecret, to: tpm)
        let aik = try loadKey(aikBlob, .aik)
        var asym = asymmetric
        var sym = symmetric
        var length: UInt32 = 0
        var credential: UnsafeMutablePointer<BYTE>? = nil
        let rc = asym.withUnsafeMutableBufferPointer { a in
            sym.withUnsafeMutableBufferPointer { s in
                Tspi_TPM_ActivateIdentity(tpm, aik, UInt32(a.count), a.baseAddress, UInt32(s.count), s.baseAddress, &length, &credential)
            }
        }
        try tss(rc, "activate the identity")
        return context.take(credential, length)
    }

    // MARK: the bind key

    /// A new non-migratable 2048-bit bind key under the SRK (RSA-OAEP "TCPA"); its blob.
    public func createBindKey() throws(LoBotError) -> [UInt8] {
        let key = try context.createObject(
            TSS_FLAG(TSS_OBJECT_TYPE_RSAKEY),
            TSS_FLAG(TSS_KEY_TYPE_BIND | TSS_KEY_NOT_MIGRATABLE | TSS_KEY_AUTHORIZATION) | LOBOT_KEY_SIZE_2048, "bind key")
        try context.assignSecret(wellKnownSecret, to: key)
        try tss(Tspi_Key_CreateKey(key, srk, 0), "create a bind key")
        return try context.attribute(key, TSS_FLAG(TSS_TSPATTRIB_KEY_BLOB), TSS_FLAG(TSS_TSPATTRIB_KEYBLOB_BLOB), "bind key blob")
    }

    /// Tspi_Key_CertifyKey: the AIK's signature over TPM_CERTIFY_INFO of the key, with `nonce`.
    /// The key in `keyBlob` with the AIK's certification of it over `nonce`, as a verifier reads it.
    public func certifiedKey(_ kind: PlatformKey = .bind, keyBlob: [UInt8], aikBlob: [UInt8], nonce: TPMNonce) throws(LoBotError) -> CertifiedKey {
        let (info, signature) = try certifyKey(kind, keyBlob: keyBlob, aikBlob: aikBlob, nonce: nonce)
        return CertifiedKey(key: try KeyBlob(bytes: keyBlob).publicKey, info: info, signature: signature)
    }

    public func certifyKey(_ kind: PlatformKey = .bind, keyBlob: [UInt8], aikBlob: [UInt8], nonce: TPMNonce) throws(LoBotError) -> (info: [UInt8], signature: [UInt8]) {
        let key = try loadKey(keyBlob, kind)
        let aik = try loadKey(aikBlob, .aik)
        let (info, signature) = try withValidation(nonce) { (v) in Tspi_Key_CertifyKey(key, aik, v) }
        return (info, signature)
    }

    /// TPM_UnBind with the bind key in `keyBlob`.
    public func unbind(keyBlob: [UInt8], data: [UInt8]) throws(LoBotError) -> [UInt8] {
        let key = try loadKey(keyBlob, .bind)
        let encrypted = try context.createObject(TSS_FLAG(TSS_OBJECT_TYPE_ENCDATA), TSS_FLAG(TSS_ENCDATA_BIND), "bound data")
        try context.setAttribute(encrypted, TSS_FLAG(TSS_TSPATTRIB_ENCDATA_BLOB), TSS_FLAG(TSS_TSPATTRIB_ENCDATABLOB_BLOB), data, "bound data")
        var length: UInt32 = 0
        var plain: UnsafeMutablePointer<BYTE>? = nil
        try tss(Tspi_Data_Unbind(encrypted, key, &length, &plain), "unbind")
        return context.take(plain, length)
    }
}

/// Tspi_EncodeDER_TssBlob: the DER wrapping of a TPM_PUBKEY that tpm-quote-tools reads as an AIK
/// public key file. LoBot's libtspi is patched to write minimal DER, which OpenSSL 3 (and so
/// tpm_verifyquote) accepts.
public func encodeTSSPublicKeyDER(_ key: PubKey) throws(LoBotError) -> [UInt8] {
    var raw = key.bytes
    var length: UInt32 = 0
    let sized = raw.withUnsafeMutableBufferPointer {
        Tspi_EncodeDER_TssBlob(UInt32($0.count), $0.baseAddress, UInt32(TSS_BLOB_TYPE_PUBKEY), &length, nil)
    }
    try tss(sized, "size the DER public key")
    var out = [UInt8](repeating: 0, count: Int(length))
    let rc = raw.withUnsafeMutableBufferPointer { r in
        out.withUnsafeMutableBufferPointer { o in
            Tspi_EncodeDER_TssBlob(UInt32(r.count), r.baseAddress, UInt32(TSS_BLOB_TYPE_PUBKEY), &length, o.baseAddress)
        }
    }
    try tss(rc, "encode the DER public key")
    return Array(out[0..<Int(length)])
}

extension PlatformTPM {
    /// NV index of the TCG PC-client EK certificate (TPM_NV_INDEX_EKCert | TSS_NV_DEFINED).
    static let endorsementCertificateIndex: UInt32 = 0x1000_f000

    /// The manufacturer's EK certificate (DER) from NV, as swtpm_setup --create-ek-cert leaves
    /// it: TCG_PCCLIENT_STORED_CERT { tag 0x1001, certType 0, certSize } then TCG_FULL_CERT
    /// { tag 0x1002, DER }. Owner authorisation.
    public func endorsementCertificate() throws(LoBotError) -> [UInt8] {
        let nv = try context.createObject(TSS_FLAG(TSS_OBJECT_TYPE_NV), 0, "NV")
        try tss(Tspi_SetAttribUint32(nv, TSS_FLAG(TSS_TSPATTRIB_NV_INDEX), 0, Self.endorsementCertificateIndex), "select NV index")
        var index = Self.endorsementCertificateIndex
        var publicLength: UInt32 = 0
        var publicData: UnsafeMutablePointer<BYTE>? = nil
        let rc = withUnsafeMutableBytes(of: &index) {
            Tspi_TPM_GetCapability(tpm, TSS_FLAG(TSS_TPMCAP_NV_INDEX), 4, $0.baseAddress?.assumingMemoryBound(to: BYTE.self),
                                   &publicLength, &publicData)
        }
        try tss(rc, "find the EK certificate in NV")
        let dataPublic = context.take(publicData, publicLength)
        guard dataPublic.count >= 4 else { throw .notFound("EK certificate in NV") }
        var reader = ByteReader(Array(dataPublic.suffix(4)), structure: "TPM_NV_DATA_PUBLIC")
        let size = Int(try reader.readUInt32())
        guard size > 7, size <= 8192 else { throw .invalidArgument("EK certificate NV area of \(size) bytes") }
        try context.assignSecret(ownerSecret, to: nv)
        var stored: [UInt8] = []
        while stored.count < size {
            var length = UInt32(min(1024, size - stored.count))
            var chunk: UnsafeMutablePointer<BYTE>? = nil
            try tss(Tspi_NV_ReadValue(nv, UInt32(stored.count), &length, &chunk), "read the EK certificate from NV")
            stored += context.take(chunk, length)
        }
        var cert = ByteReader(stored, structure: "TCG_PCCLIENT_STORED_CERT")
        try cert.expectUInt16(0x1001, field: "tag")
        try cert.expect([0], field: "certType")
        let certSize = Int(try cert.readUInt16())
        try cert.expectUInt16(0x1002, field: "fullCert.tag")
        return try cert.readBytes(certSize - 2)
    }
}

extension PlatformTPM {
    /// The ASN.1 DigestInfo prefix of a SHA-256 digest (RFC 8017, 9.2 note 1).
    static let sha256DigestInfo: [UInt8] = [0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20]

    /// A new non-migratable 2048-bit signing key under the SRK with the DER scheme, so it can sign
    /// a SHA-256 DigestInfo (an AIK signs only TPM structures); its blob.
    public func createSigningKey() throws(LoBotError) -> [UInt8] {
        let key = try context.createObject(
            TSS_FLAG(TSS_OBJECT_TYPE_RSAKEY),
            TSS_FLAG(TSS_KEY_TYPE_SIGNING | TSS_KEY_NOT_MIGRATABLE | TSS_KEY_AUTHORIZATION) | LOBOT_KEY_SIZE_2048, "signing key")
        try tss(Tspi_SetAttribUint32(key, TSS_FLAG(TSS_TSPATTRIB_KEY_INFO), TSS_FLAG(TSS_TSPATTRIB_KEYINFO_SIGSCHEME),
                                     UInt32(TSS_SS_RSASSAPKCS1V15_DER)), "set the DER signature scheme")
        try context.assignSecret(wellKnownSecret, to: key)
        try tss(Tspi_Key_CreateKey(key, srk, 0), "create a signing key")
        return try context.attribute(key, TSS_FLAG(TSS_TSPATTRIB_KEY_BLOB), TSS_FLAG(TSS_TSPATTRIB_KEYBLOB_BLOB), "signing key blob")
    }

    /// RSASSA-PKCS1-v1_5 SHA-256 by the TPM with the signing key in `keyBlob`, over `digest`.
    public func sign(digest: [UInt8], keyBlob: [UInt8]) throws(LoBotError) -> [UInt8] {
        guard digest.count == 32 else { throw .invalidArgument("a SHA-256 digest is 32 bytes") }
        let key = try loadKey(keyBlob, .signing)
        let hash = try context.createObject(TSS_FLAG(TSS_OBJECT_TYPE_HASH), TSS_FLAG(bitPattern: Int32(truncatingIfNeeded: TSS_HASH_OTHER)), "hash")
        var info = Self.sha256DigestInfo + digest
        let set = info.withUnsafeMutableBufferPointer { Tspi_Hash_SetHashValue(hash, UInt32($0.count), $0.baseAddress) }
        try tss(set, "set the digest to sign")
        var length: UInt32 = 0
        var signature: UnsafeMutablePointer<BYTE>? = nil
        try tss(Tspi_Hash_Sign(hash, key, &length, &signature), "sign")
        return context.take(signature, length)
    }
}
