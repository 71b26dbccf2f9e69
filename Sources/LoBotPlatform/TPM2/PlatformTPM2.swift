// The platform's TPM 2.0, spoken to directly (no TSS): PlatformTPM's operations for a platform
// whose TPM is a TPM 2.0, so that the agent can use either. Commands are the value types of
// LoBotCore/TPM2/Commands, sent one at a time over TPM2Transport (LOBOT_TPM2).
//
// Keys: LoBot's keys (AK, bind key, signing key) are children of a storage primary made from
// TPM2KeyKind.storage's template under the owner hierarchy (the TCG's SRK template: the same key
// each time). It is the persistent SRK at 0x81000001 when one of that shape is there (enrollment
// puts it there when the handle is free, so that no process has to generate it again), else created
// on first use and flushed when this value goes. They are kept as TPM2KeyBlob files; before a blob is
// loaded its public area must be shaped as LoBot makes its kind, so a tampered or foreign blob never
// reaches the TPM. The EK is the persistent one at 0x81010001 when present (what the manufacturer
// certified, and no key generation), else TPM2_CreatePrimary with the TCG template L-1 (the same
// key), flushed after use.
//
// Authorization: every object and hierarchy LoBot uses has an empty authValue, sent as a password
// (TPM_RS_PW); the EK is used through a policy session satisfied by PolicySecret(TPM_RH_ENDORSEMENT).
// The two commands whose answers are secrets (ActivateCredential, RSA_Decrypt) authorize their key
// with a salted HMAC session (TPM2HMACSession, salted to the storage primary) that also encrypts
// the answer, so the secret never crosses the bus in the clear and a forged answer is refused.
// Every transient handle and session this file creates is flushed, on error paths too.
import LoBotCore

public final class PlatformTPM2 {
    public let transport: TPM2Transport
    /// What this TPM has unbound (PlatformRoot.unbind).
    public let unbound = UnboundSecrets()
    var storageHandle: UInt32?
    var storagePublic: TPMTPublic?
    /// The storage primary is the persistent SRK: never flushed.
    var storageIsPersistent = false

    /// The NV index of LoBot's monotonic counter (in the owner's range, TCG registry 0x018xxxxx).
    public static let counterIndex: UInt32 = 0x0180_4C42
    /// LoBot reads NV in pieces no larger than this (every TPM's MAX_NV_BUFFER_SIZE is at least 512).
    static let nvChunk = 512

    public init(_ target: TPM2Target) throws(LoBotError) {
        transport = try TPM2Transport(target)
    }

    /// The TPM LOBOT_TPM2 names.
    public convenience init() throws(LoBotError) {
        try self.init(try TPM2Target.fromEnvironment())
    }

    deinit {
        if let handle = storageHandle, !storageIsPersistent { flush(handle) }
    }

    /// Lets go of the connection until the next command (TPM2Transport.disconnect), flushing a
    /// transient storage primary first.
    public func disconnect() {
        if let handle = storageHandle, !storageIsPersistent {
            flush(handle)
            storageHandle = nil
            storagePublic = nil
        }
        transport.disconnect()
        swept = false
    }

    /// Whether this connection's leftovers were flushed (`sweep`).
    private var swept = false

    /// Sends one command frame; the first of a connection is preceded by the sweep.
    func send(_ command: TPM2Command) throws(LoBotError) -> TPM2Response {
        if !swept {
            swept = true
            sweep()
        }
        return try transport.transmit(command)
    }

    /// Flushes every transient object and loaded session the TPM holds at the start of a
    /// connection. None is another process's at work: a swtpm socket serves one client at a
    /// time, /dev/tpm0 opens once, and /dev/tpmrm0 shows each client its own (none yet), and
    /// every LoBot operation flushes what it loads before it lets go of the TPM. So any there is
    /// the leftover of a process killed mid-operation, which a TPM without a resource manager
    /// keeps loaded: three of them fill libtpms' object slots and every later load fails
    /// (TPM_RC_OBJECT_MEMORY). A TPM that answers nothing (not started yet) has nothing to flush.
    private func sweep() {
        for first in [TPM2GetCapabilityHandles.transientObjects, TPM2GetCapabilityHandles.loadedSessions,
                      TPM2GetCapabilityHandles.policySessions] {
            guard let response = try? transport.transmit(TPM2GetCapabilityHandles(first: first).frame()),
                response.responseCode == TPM2Response.success,
                let held = try? TPM2GetCapabilityHandles.parseResponse(response, authorizations: 0).response.handles
            else { continue }
            // The range asked for only (a TPM lists the handles from `first` on, of every type after it).
            for handle in held where handle >> 24 == first >> 24 { flush(handle) }
        }
    }

    // MARK: Sending

    /// Sends `command` with `authorizations`; a response code other than success is `.tpm`.
    func execute<C: TPM2CommandBody>(
        _ command: C, authorizations: [TPMSAuthCommand] = [], _ operation: String
    ) throws(LoBotError) -> C.Response {
        let response = try send(command.frame(authorizations: authorizations))
        guard response.responseCode == TPM2Response.success else {
            throw .tpm(operation: operation, code: response.responseCode, detail: "TPM 2.0 response code")
        }
        return try C.parseResponse(response, authorizations: authorizations.count).response
    }

    /// The response code of `command`, for the commands whose failure LoBot tells apart.
    func responseCode<C: TPM2CommandBody>(_ command: C, authorizations: [TPMSAuthCommand] = []) throws(LoBotError)
        -> UInt32
    {
        try send(command.frame(authorizations: authorizations)).responseCode
    }

    /// TPM2_FlushContext, its failure ignored (what is being flushed may be gone already).
    func flush(_ handle: UInt32) {
        _ = try? responseCode(TPM2FlushContext(handle))
    }

    // MARK: Start and PCRs

    /// TPM2_Startup(CLEAR) for a TPM nobody started; a started TPM's TPM_RC_INITIALIZE is success.
    public func startup() throws(LoBotError) {
        let code = try responseCode(TPM2Startup())
        guard code == TPM2Response.success || code == TPM2ResponseCode.initialize else {
            throw .tpm(operation: "start the TPM", code: code, detail: "TPM 2.0 response code")
        }
    }

    /// The SHA-256 values of `pcrs`, in ascending PCR order (TPM2_PCR_Read answers eight at a time).
    public func readPCRs(_ pcrs: [Int]) throws(LoBotError) -> [(pcr: Int, value: [UInt8])] {
        var remaining: [Int] = []
        for pcr in pcrs where !remaining.contains(pcr) {
            guard pcr >= 0, pcr < 24 else { throw .invalidArgument("PCR \(pcr) is not one of a TPM 2.0's 24") }
            remaining.append(pcr)
        }
        remaining.sort()
        var values: [(pcr: Int, value: [UInt8])] = []
        while !remaining.isEmpty {
            let asked = TPMSPCRSelection(.sha256, pcrs: remaining)
            let answer = try execute(TPM2PCRRead(TPMLPCRSelection([asked])), "read PCRs")
            guard answer.pcrSelectionOut.pcrSelections.count == 1, let out = answer.pcrSelectionOut.pcrSelections.first,
                out.hash == TPMAlgorithm.sha256.rawValue
            else { throw .invalidArgument("the TPM has no SHA-256 PCR bank") }
            let got = out.pcrs
            guard !got.isEmpty, got.allSatisfy({ remaining.contains($0) }), got.count == answer.pcrValues.digests.count
            else {
                throw .invalidArgument("the TPM answered TPM2_PCR_Read with PCRs that were not asked for")
            }
            for (pcr, value) in zip(got, answer.pcrValues.digests) {
                guard value.count == 32 else {
                    throw .invalidArgument("the TPM's SHA-256 PCR \(pcr) is \(value.count) bytes")
                }
                values.append((pcr, value))
            }
            remaining.removeAll { got.contains($0) }
        }
        return values
    }

    /// TPM2_PCR_Extend of the SHA-256 bank of `pcr` with `digest` (32 bytes).
    public func extend(pcr: Int, digest: [UInt8]) throws(LoBotError) {
        guard pcr >= 0, pcr < 24 else { throw .invalidArgument("PCR \(pcr) is not one of a TPM 2.0's 24") }
        guard digest.count == 32 else { throw .invalidArgument("a SHA-256 extend takes 32 bytes, not \(digest.count)") }
        _ = try execute(
            TPM2PCRExtend(pcr: UInt32(pcr), digests: [(.sha256, digest)]),
            authorizations: [.emptyPassword], "extend PCR \(pcr)")
    }

    // MARK: The EK

    /// Runs `body` with the EK's handle: the persistent 0x81010001, or a primary from template
    /// L-1 flushed afterwards.
    func withEndorsementKey<T>(_ body: (UInt32, TPMTPublic) throws(LoBotError) -> T) throws(LoBotError) -> T {
        let persistent = TPM2ReadPublic(object: TPM2Handle.persistentRSAEK)
        let response = try send(persistent.frame())
        if response.responseCode == TPM2Response.success {
            let key = try TPM2ReadPublic.parseResponse(response, authorizations: 0).response.outPublic.publicArea
            try TPM2EndorsementKey.check(key)
            return try body(TPM2Handle.persistentRSAEK, key)
        }
        guard TPM2ResponseCode.isHandleError(response.responseCode) else {
            throw .tpm(
                operation: "read the EK's public area", code: response.responseCode, detail: "TPM 2.0 response code")
        }
        let created = try execute(
            TPM2CreatePrimary(hierarchy: TPM2Handle.endorsement, template: TPM2EndorsementKey.template),
            authorizations: [.emptyPassword], "create the EK")
        defer { flush(created.objectHandle) }
        try TPM2EndorsementKey.check(created.outPublic.publicArea)
        return try body(created.objectHandle, created.outPublic.publicArea)
    }

    /// The EK's public area (its Name is `try ek.name()`).
    public func endorsementKey() throws(LoBotError) -> TPMTPublic {
        try withEndorsementKey { (_, key) throws(LoBotError) in key }
    }

    /// The EK certificate (DER) the manufacturer left in NV index 0x01c00002.
    public func endorsementCertificate() throws(LoBotError) -> [UInt8] {
        try readNV(TPM2Handle.rsaEKCertificate, what: "the EK certificate")
    }

    /// The whole content of NV index `index`, read in pieces, with the owner's authorization when
    /// the index allows it, else the index's own.
    func readNV(_ index: UInt32, what: String) throws(LoBotError) -> [UInt8] {
        let response = try send(TPM2NVReadPublic(nvIndex: index).frame())
        if TPM2ResponseCode.isHandleError(response.responseCode) {
            throw .notFound("\(what) (NV index 0x\(Hex.string(UInt(index))))")
        }
        guard response.responseCode == TPM2Response.success else {
            throw .tpm(
                operation: "read the public area of \(what)", code: response.responseCode,
                detail: "TPM 2.0 response code")
        }
        let nvPublic = try TPM2NVReadPublic.parseResponse(response, authorizations: 0).response.nvPublic
        let authHandle: UInt32
        if nvPublic.attributes.contains(.ownerRead) {
            authHandle = TPM2Handle.owner
        } else if nvPublic.attributes.contains(.authRead) {
            authHandle = index
        } else {
            throw .invalidArgument("\(what) cannot be read with the owner's or its own authorization")
        }
        let size = Int(nvPublic.dataSize)
        var data: [UInt8] = []
        while data.count < size {
            let chunk = min(Self.nvChunk, size - data.count)
            let read = try execute(
                TPM2NVRead(authHandle: authHandle, nvIndex: index, size: UInt16(chunk), offset: UInt16(data.count)),
                authorizations: [.emptyPassword], "read \(what)")
            guard read.data.buffer.count == chunk else {
                throw .invalidArgument("the TPM returned \(read.data.buffer.count) bytes of \(what) for \(chunk) asked")
            }
            data += read.data.buffer
        }
        return data
    }

    // MARK: LoBot's keys

    /// The storage primary's handle, created on first use.
    func storageKey() throws(LoBotError) -> UInt32 {
        if let handle = storageHandle { return handle }
        if let key = try persistentSRK(), adoptPersistent(key) { return TPM2Handle.persistentSRK }
        return try createStorageKey()
    }

    /// The storage primary made afresh from its template (the same key each time), kept loaded.
    private func createStorageKey() throws(LoBotError) -> UInt32 {
        let created = try execute(
            TPM2CreatePrimary(hierarchy: TPM2Handle.owner, template: TPM2KeyKind.storage.template),
            authorizations: [.emptyPassword], "create the storage primary")
        storageHandle = created.objectHandle
        storagePublic = created.outPublic.publicArea
        return created.objectHandle
    }

    /// The public area of the key at the TCG's SRK handle, nil when the handle is free.
    func persistentSRK() throws(LoBotError) -> TPMTPublic? {
        let response = try send(TPM2ReadPublic(object: TPM2Handle.persistentSRK).frame())
        guard response.responseCode == TPM2Response.success else {
            guard TPM2ResponseCode.isHandleError(response.responseCode) else {
                throw .tpm(operation: "read the SRK's public area", code: response.responseCode, detail: "TPM 2.0 response code")
            }
            return nil
        }
        return try TPM2ReadPublic.parseResponse(response, authorizations: 0).response.outPublic.publicArea
    }

    /// Takes the persistent SRK `key` as the storage primary when it is shaped as LoBot's (the
    /// TCG's SRK template is LoBot's): its children load under it with no key generated per
    /// process. False, and nothing taken, for another kind of key.
    private func adoptPersistent(_ key: TPMTPublic) -> Bool {
        guard (try? TPM2KeyKind.storage.check(key)) != nil else { return false }
        storageHandle = TPM2Handle.persistentSRK
        storagePublic = key
        storageIsPersistent = true
        return true
    }

    /// Keeps the storage primary at the TCG's SRK handle when that handle is free (owner
    /// authorisation, empty), so that later processes find it instead of generating it again;
    /// `lobot platform enroll` does, once. Returns whether it made it persistent.
    @discardableResult
    public func persistStorageKey() throws(LoBotError) -> Bool {
        guard !storageIsPersistent else { return false }
        if let key = try persistentSRK() {
            // LoBot's own SRK is used from now on; another key keeps the handle and LoBot its transient primary.
            if storageHandle == nil { _ = adoptPersistent(key) }
            return false
        }
        let transient: UInt32
        if let handle = storageHandle { transient = handle } else { transient = try createStorageKey() }
        _ = try execute(TPM2EvictControl(auth: TPM2Handle.owner, object: transient, persistentHandle: TPM2Handle.persistentSRK),
                        authorizations: [.emptyPassword], "make the storage primary persistent")
        flush(transient)
        storageHandle = TPM2Handle.persistentSRK
        storageIsPersistent = true
        return true
    }

    /// A new key of `kind` (attestation, bind or signing) under the storage primary.
    public func createKey(_ kind: TPM2KeyKind) throws(LoBotError) -> TPM2KeyBlob {
        guard kind != .storage else { throw .invalidArgument("the storage primary is not kept as a key blob") }
        let created = try execute(
            TPM2Create(parent: try storageKey(), template: kind.template),
            authorizations: [.emptyPassword], "create the \(kind.name)")
        try kind.check(created.outPublic.publicArea)
        return TPM2KeyBlob(kind: kind, privatePart: created.outPrivate, publicPart: created.outPublic)
    }

    /// Loads `blob` as a `kind` key, runs `body` with its handle, and flushes it. A blob not of
    /// `kind`, or whose public area is not shaped as LoBot makes that kind, is refused before the
    /// TPM sees it.
    func withLoadedKey<T>(
        _ blob: TPM2KeyBlob, as kind: TPM2KeyKind, _ body: (UInt32) throws(LoBotError) -> T
    ) throws(LoBotError) -> T {
        guard blob.kind == kind else {
            throw .invalidArgument("the key blob holds a \(blob.kind.name), not a \(kind.name)")
        }
        try kind.check(blob.publicArea)
        let loaded = try execute(
            TPM2Load(parent: try storageKey(), inPrivate: blob.privatePart, inPublic: blob.publicPart),
            authorizations: [.emptyPassword], "load the \(kind.name)")
        defer { flush(loaded.objectHandle) }
        return try body(loaded.objectHandle)
    }

    // MARK: Using them

    /// TPM2_ActivateCredential: the credential a factory made (TPM2_MakeCredential) for `ak`'s Name
    /// with the EK, opened by the EK through a PolicySecret(TPM_RH_ENDORSEMENT) session. The caller
    /// wipes the result.
    public func activateCredential(
        ak: TPM2KeyBlob, credentialBlob: TPM2BIDObject, secret: TPM2BEncryptedSecret
    ) throws(LoBotError) -> [UInt8] {
        try withLoadedKey(ak, as: .attestation) { (akHandle) throws(LoBotError) -> [UInt8] in
            try withEndorsementKey { (ekHandle, ek) throws(LoBotError) -> [UInt8] in
                try withSaltedSession { (session) throws(LoBotError) -> [UInt8] in
                    try withEndorsementPolicy { (policy) throws(LoBotError) -> [UInt8] in
                        let command = TPM2ActivateCredential(
                            activateHandle: akHandle, keyHandle: ekHandle,
                            credentialBlob: credentialBlob, secret: secret)
                        return try executeEncrypted(
                            command, session: &session, names: [try ak.publicArea.name(), try ek.name()],
                            otherAuthorizations: [.policy(policy)], "activate the credential"
                        ).certInfo.buffer
                    }
                }
            }
        }
    }

    /// A salted HMAC session (salt encrypted to the storage primary) for `body`, flushed and its
    /// key wiped afterwards.
    func withSaltedSession<T>(_ body: (inout TPM2HMACSession) throws(LoBotError) -> T) throws(LoBotError) -> T {
        let saltKey = try storageKey()
        guard let saltPublic = storagePublic else {
            throw .invalidArgument("the storage primary's public area is unknown")
        }
        var salt = try TPM2HMACSession.salt(for: saltPublic)
        defer { wipe(&salt.salt) }
        let nonceCaller = try SecureRandom.bytes(32)
        let started = try execute(
            TPM2StartAuthSession(
                saltedTo: saltKey, encryptedSalt: salt.encrypted, sessionType: TPM2StartAuthSession.hmac,
                nonceCaller: nonceCaller), "start a salted session")
        defer { flush(started.sessionHandle) }
        var session = try TPM2HMACSession(
            handle: started.sessionHandle, salt: salt.salt, nonceCaller: nonceCaller,
            nonceTPM: started.nonceTPM.buffer)
        defer { session.wipeKey() }
        return try body(&session)
    }

    /// Sends `command` with `session` authorizing its first handle and encrypting the first
    /// response parameter (then `otherAuthorizations`); checks the response HMAC and decrypts.
    func executeEncrypted<C: TPM2CommandBody>(
        _ command: C, session: inout TPM2HMACSession, names: [[UInt8]], otherAuthorizations: [TPMSAuthCommand] = [],
        _ operation: String
    ) throws(LoBotError) -> C.Response {
        let auth = try session.authorize(
            C.commandCode, names: names, parameters: command.parameterBytes,
            attributes: [.continueSession, .encrypt])
        let authorizations = [auth] + otherAuthorizations
        let response = try send(command.frame(authorizations: authorizations))
        guard response.responseCode == TPM2Response.success else {
            throw .tpm(operation: operation, code: response.responseCode, detail: "TPM 2.0 response code")
        }
        let parts = try C.splitResponse(response, authorizations: authorizations.count)
        var parameters = try session.checkResponse(C.commandCode, parameters: parts.parameters, auth: parts.auths[0])
        defer { wipe(&parameters) }
        return try C.parseParameters(handles: parts.handles, parameters)
    }

    /// A policy session satisfying PolicySecret(TPM_RH_ENDORSEMENT), flushed after `body`.
    func withEndorsementPolicy<T>(_ body: (UInt32) throws(LoBotError) -> T) throws(LoBotError) -> T {
        let started = try execute(
            TPM2StartAuthSession(sessionType: TPM2StartAuthSession.policy, nonceCaller: try SecureRandom.bytes(32)),
            "start a policy session")
        defer { flush(started.sessionHandle) }
        _ = try execute(
            TPM2PolicySecret(authHandle: TPM2Handle.endorsement, policySession: started.sessionHandle),
            authorizations: [.emptyPassword], "satisfy the EK's policy")
        return try body(started.sessionHandle)
    }

    /// A quote by `ak` of the SHA-256 `pcrs` with `nonce`, with the values quoted (read after the
    /// quote and checked against its PCR digest, so a PCR extended in between is an error, not a
    /// wrong file).
    public func quote(ak: TPM2KeyBlob, pcrs: [Int], nonce: [UInt8]) throws(LoBotError) -> TPM2PlatformQuote {
        guard nonce.count <= TPM2Limits.maxTaggedDigestBytes else {
            throw .invalidArgument("a quote's nonce is at most 66 bytes")
        }
        let values = try readPCRs(pcrs)  // validates the PCR numbers first
        let selection = TPMLPCRSelection([TPMSPCRSelection(.sha256, pcrs: values.map { $0.pcr })])
        let signed = try withLoadedKey(ak, as: .attestation) { (handle) throws(LoBotError) in
            try execute(
                TPM2Quote(signHandle: handle, qualifyingData: nonce, selection: selection),
                authorizations: [.emptyPassword], "quote")
        }
        let after = try readPCRs(pcrs)
        guard let info = signed.attest.quote,
            info.pcrDigest.buffer == (try Digest.sha256(after.flatMap { $0.value })),
            after.map({ $0.value }) == values.map({ $0.value })
        else { throw .pcrMismatch("the PCRs changed while the TPM 2.0 quoted them; quote again") }
        return TPM2PlatformQuote(
            attestBytes: signed.attestBytes, attest: signed.attest, signature: signed.signature,
            values: after.map { $0.value })
    }

    /// TPM2_Certify of `key` (a `kind` key) by `ak` with `nonce`.
    public func certify(key: TPM2KeyBlob, as kind: TPM2KeyKind, ak: TPM2KeyBlob, nonce: [UInt8]) throws(LoBotError)
        -> TPM2CertifiedKey
    {
        guard nonce.count <= TPM2Limits.maxTaggedDigestBytes else {
            throw .invalidArgument("a certification's nonce is at most 66 bytes")
        }
        let signed = try withLoadedKey(key, as: kind) { (keyHandle) throws(LoBotError) in
            try withLoadedKey(ak, as: .attestation) { (akHandle) throws(LoBotError) in
                try execute(
                    TPM2Certify(object: keyHandle, signHandle: akHandle, qualifyingData: nonce),
                    authorizations: [.emptyPassword, .emptyPassword], "certify the \(kind.name)")
            }
        }
        return TPM2CertifiedKey(key: key.publicArea, certifyInfo: signed.attest, signature: signed.signature)
    }

    /// RSA-OAEP (SHA-256) decryption with the bind key; `label` empty or ending in a zero byte (the
    /// TPM's rule). The caller wipes the result.
    public func rsaDecrypt(bind: TPM2KeyBlob, ciphertext: [UInt8], label: [UInt8]) throws(LoBotError) -> [UInt8] {
        guard label.isEmpty || label.last == 0 else {
            throw .invalidArgument("a TPM 2.0 OAEP label must end in a zero byte")
        }
        guard label.count <= TPM2Limits.maxTaggedDigestBytes else {
            throw .invalidArgument("a TPM 2.0 OAEP label is at most 66 bytes")
        }
        guard ciphertext.count == 256 else {
            throw .invalidArgument("an RSA-2048 ciphertext is 256 bytes, not \(ciphertext.count)")
        }
        return try withLoadedKey(bind, as: .bind) { (handle) throws(LoBotError) -> [UInt8] in
            try withSaltedSession { (session) throws(LoBotError) -> [UInt8] in
                try executeEncrypted(
                    TPM2RSADecrypt(keyHandle: handle, cipherText: ciphertext, label: label), session: &session,
                    names: [try bind.publicArea.name()], "decrypt with the bind key"
                ).message.buffer
            }
        }
    }

    /// An RSASSA-SHA256 signature by the signing key over `digest` (32 bytes).
    public func sign(key: TPM2KeyBlob, digest: [UInt8]) throws(LoBotError) -> TPMTSignature {
        guard digest.count == 32 else { throw .invalidArgument("a SHA-256 digest is 32 bytes, not \(digest.count)") }
        return try withLoadedKey(key, as: .signing) { (handle) throws(LoBotError) in
            try execute(
                TPM2Sign(keyHandle: handle, digest: digest), authorizations: [.emptyPassword],
                "sign with the signing key"
            )
            .signature
        }
    }

    // MARK: The counter

    /// LoBot's monotonic counter at `index`: defined (owner, no DA) and first incremented if it is
    /// absent, incremented once more if `increment`, then read.
    public func counter(index: UInt32 = PlatformTPM2.counterIndex, increment: Bool) throws(LoBotError) -> UInt64 {
        let response = try send(TPM2NVReadPublic(nvIndex: index).frame())
        var written = false
        if TPM2ResponseCode.isHandleError(response.responseCode) {
            let attributes: TPMANV = [.counter, .ownerWrite, .authWrite, .ownerRead, .authRead, .noDA]
            _ = try execute(
                TPM2NVDefineSpace(
                    authHandle: TPM2Handle.owner,
                    publicInfo: TPMSNVPublic(nvIndex: index, nameAlg: .sha256, attributes: attributes, dataSize: 8)),
                authorizations: [.emptyPassword], "define the counter")
        } else {
            guard response.responseCode == TPM2Response.success else {
                throw .tpm(
                    operation: "read the counter's public area", code: response.responseCode,
                    detail: "TPM 2.0 response code")
            }
            let nvPublic = try TPM2NVReadPublic.parseResponse(response, authorizations: 0).response.nvPublic
            guard nvPublic.attributes.type == 1, nvPublic.dataSize == 8,
                nvPublic.attributes.isSuperset(of: [.ownerRead, .ownerWrite, .noDA])
            else {
                throw .invalidArgument("NV index 0x\(Hex.string(UInt(index))) is not a counter as LoBot defines it")
            }
            written = nvPublic.attributes.contains(.written)
        }
        if !written || increment {
            _ = try execute(
                TPM2NVIncrement(authHandle: TPM2Handle.owner, nvIndex: index), authorizations: [.emptyPassword],
                "increment the counter")
        }
        let read = try execute(
            TPM2NVRead(authHandle: TPM2Handle.owner, nvIndex: index, size: 8, offset: 0),
            authorizations: [.emptyPassword], "read the counter")
        var reader = ByteReader(read.data.buffer, structure: "TPM 2.0 counter")
        let value = try reader.readUInt64()
        try reader.finish()
        return value
    }
}

/// A quote as PlatformTPM2.quote returns it: the TPMS_ATTEST as signed, parsed, its signature,
/// and the quoted PCRs' values in ascending PCR order.
public struct TPM2PlatformQuote: Equatable, Sendable {
    public var attestBytes: [UInt8]
    public var attest: TPMSAttest
    public var signature: TPMTSignature
    public var values: [[UInt8]]

    /// LoBot's quote file form.
    public var file: TPM2QuoteFile { TPM2QuoteFile(quoted: attest, signature: signature, values: values) }
}
