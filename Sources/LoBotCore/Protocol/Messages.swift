// The bodies of the LSP/LSM messages (see MessageType for who sends each, and when). Each is a
// wire structure carried inside an Envelope that binds it to its session, nonce, sender and
// receiver and carries the sender's signature.

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
    public var vtpmID: [UInt8]
    public var source: String
    public var destination: String
    /// The nonce the destination's platform quote (step 9) must carry.
    public var quoteNonce: TPMNonce
    /// The nonce LoBot_D's vTPM quote (step 9) must carry.
    public var vtpmNonce: TPMNonce
    /// The source platform's signing key, TPM_PUBKEY (empty when the factory is the source).
    public var sourceSigningKey: [UInt8]

    public init(kind: SessionKind, domain: DomainConfig, lobot: String, vtpmID: [UInt8], source: String, destination: String,
                quoteNonce: TPMNonce, vtpmNonce: TPMNonce, sourceSigningKey: [UInt8]) {
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
        vtpmID = try reader.readBytes(16)
        source = try reader.readName(field: "source")
        destination = try reader.readName(field: "destination")
        quoteNonce = try TPMNonce(parsing: &reader)
        vtpmNonce = try TPMNonce(parsing: &reader)
        sourceSigningKey = try reader.readSized(lengthWidth: 2, maximum: 1024, field: "sourceSigningKey")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(kind.rawValue)
        domain.serialize(into: &writer)
        writer.writeString(lobot, lengthWidth: 1)
        writer.write(vtpmID)
        writer.writeString(source, lengthWidth: 1)
        writer.writeString(destination, lengthWidth: 1)
        quoteNonce.serialize(into: &writer)
        vtpmNonce.serialize(into: &writer)
        writer.writeSized(sourceSigningKey, lengthWidth: 2)
    }
}

/// 4 (proceed): factory -> source: the session, and the destination's bind and signing keys
/// as the factory checked them (certified by its AIK with the session nonce, and registered).
public struct ProceedBody: WireStructure, Equatable, Sendable {
    public static var wireName: String { "proceed message body" }
    public var open: OpenBody
    public var bindKey: PubKey
    public var signingKey: PubKey

    public init(open: OpenBody, bindKey: PubKey, signingKey: PubKey) {
        self.open = open
        self.bindKey = bindKey
        self.signingKey = signingKey
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        open = try OpenBody.parse(from: &reader)
        bindKey = try PubKey.parse(from: &reader)
        signingKey = try PubKey.parse(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        open.serialize(into: &writer)
        bindKey.serialize(into: &writer)
        signingKey.serialize(into: &writer)
    }
}

/// 4 (destination-keys): the destination's bind and signing keys, each certified by its AIK
/// with the session nonce, and the AIK's certificate from the factory.
public struct DestinationKeysBody: WireStructure, Equatable, Sendable {
    public static var wireName: String { "destination-keys message body" }
    public var bindKey: CertifiedKey
    public var signingKey: CertifiedKey
    public var aikCertificate: [UInt8]

    public init(bindKey: CertifiedKey, signingKey: CertifiedKey, aikCertificate: [UInt8]) {
        self.bindKey = bindKey
        self.signingKey = signingKey
        self.aikCertificate = aikCertificate
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        bindKey = try CertifiedKey.parse(from: &reader)
        signingKey = try CertifiedKey.parse(from: &reader)
        aikCertificate = try reader.readSized(lengthWidth: 2, maximum: 8192, field: "aikCertificate")
    }

    public func serialize(into writer: inout ByteWriter) {
        bindKey.serialize(into: &writer)
        signingKey.serialize(into: &writer)
        writer.writeSized(aikCertificate, lengthWidth: 2)
    }

    /// The seed's step-4 check, by any receiver: the AIK certificate chains to the factory CA,
    /// the AIK certified both keys with this session's nonce, and they are what they claim.
    public func verify(factory: RSAPublicKey, nonce: TPMNonce) throws(LoBotError) -> RSAPublicKey {
        let certificate = try X509Certificate(der: aikCertificate)
        guard certificate.isSigned(by: factory) else { throw .authentication(what: "destination AIK certificate (not signed by the factory CA)") }
        let aik = try certificate.publicKey()
        _ = try bindKey.verify(aik: aik, nonce: nonce)
        _ = try signingKey.verify(aik: aik, nonce: nonce, usage: .signing)
        return try signingKey.key.rsaPublicKey()
    }
}

/// 5-6 (lobot-package, encrypted to the destination under K1): the LoBot's vTPM state file as
/// it was (encrypted under MSK) and MSK, rewrapped: now bound to the destination's bind key.
public struct LoBotPackageBody: WireStructure, Equatable, Sendable {
    public static var wireName: String { "lobot-package message body" }
    public var state: [UInt8]
    public var boundMasterKey: [UInt8]

    public init(state: [UInt8], boundMasterKey: [UInt8]) {
        self.state = state
        self.boundMasterKey = boundMasterKey
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        state = try reader.readSized(lengthWidth: 4, maximum: StateFile.maximumSize, field: "state")
        boundMasterKey = try reader.readSized(lengthWidth: 2, maximum: TPMLimits.maxModulusBytes, field: "boundMasterKey")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.writeSized(state, lengthWidth: 4)
        writer.writeSized(boundMasterKey, lengthWidth: 2)
    }
}

/// 10 (verdict): trusted (10a) or not (10b), and why; with LoBot_D's vTPM quote (step 9's
/// quote for LoBot_S), which the source checks itself and seals to.
public struct VerdictBody: WireStructure, Equatable, Sendable {
    public static var wireName: String { "verdict message body" }
    public var trusted: Bool
    public var reason: String
    public var vtpmQuote: Quote?

    public init(trusted: Bool, reason: String, vtpmQuote: Quote?) {
        self.trusted = trusted
        self.reason = reason
        self.vtpmQuote = vtpmQuote
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let at = reader.offset
        let flag = try reader.readUInt8()
        guard flag <= 1 else { throw reader.failure(.unexpectedValue(field: "trusted", value: UInt64(flag)), at: at) }
        trusted = flag == 1
        reason = try reader.readString(lengthWidth: 2, maximum: 4096, field: "reason", allowEmpty: true)
        let quote = try reader.readSized(lengthWidth: 2, maximum: 8192, field: "vtpmQuote")
        vtpmQuote = quote.isEmpty ? nil : try Quote(bytes: quote)
        guard !trusted || vtpmQuote != nil else { throw reader.failure(.inconsistent("a trusted verdict carries the vTPM quote")) }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(UInt8(trusted ? 1 : 0))
        writer.writeString(reason, lengthWidth: 2)
        writer.writeSized(vtpmQuote?.bytes ?? [], lengthWidth: 2)
    }
}

/// The aDom's files as the source packed them (LoBot streams), each with its size and SHA-256:
/// the same record as a domain measured by the LoBot VM.
public typealias PackageFile = DomainMeasurement

extension DomainMeasurement {
    public static let maximumCount = 16

    /// UINT8 count; { UINT8 nameLength; name; UINT64 size; BYTE sha256[32]; } files[count]
    public static func parseList(from reader: inout ByteReader) throws(LoBotError) -> [DomainMeasurement] {
        let count = try reader.readCount(lengthWidth: 1, maximum: maximumCount, field: "count")
        var files: [DomainMeasurement] = []
        for _ in 0..<count {
            files.append(DomainMeasurement(name: try reader.readString(lengthWidth: 1, maximum: 64, field: "name"),
                                           size: try reader.readUInt64(), sha256: try reader.readBytes(32)))
        }
        return files
    }

    public static func serialize(_ files: [DomainMeasurement], into writer: inout ByteWriter) {
        writer.write(UInt8(files.count))
        for file in files {
            writer.writeSized(Array(file.name.utf8.prefix(64)), lengthWidth: 1)
            writer.write(file.size)
            writer.write(file.sha256)
        }
    }
}

/// 11 (domain-offer): what the destination must find in the aDom package, sealed to LoBot_D's
/// storage key and PCRs 0-6: the packages' digests and a confirmation secret.
public struct DomainOfferBody: WireStructure, Equatable, Sendable {
    public static var wireName: String { "domain-offer message body" }
    public var sealed: SealedBlob

    public init(sealed: SealedBlob) { self.sealed = sealed }

    public init(parsing reader: inout ByteReader) throws(LoBotError) { sealed = try SealedBlob.parse(from: &reader) }

    public func serialize(into writer: inout ByteWriter) { sealed.serialize(into: &writer) }
}

/// The plaintext sealed in a domain offer.
public struct DomainSecret: WireStructure, Equatable, Sendable {
    public static var wireName: String { "sealed domain measurement" }
    public var confirmation: [UInt8]
    public var files: [PackageFile]

    public init(confirmation: [UInt8], files: [PackageFile]) {
        self.confirmation = confirmation
        self.files = files
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        confirmation = try reader.readBytes(32)
        files = try PackageFile.parseList(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(confirmation)
        PackageFile.serialize(files, into: &writer)
    }

    /// What the destination returns to prove LoBot_D unsealed: HMAC-SHA256(confirmation, session || "ready").
    public static func proof(confirmation: [UInt8], session: [UInt8]) throws(LoBotError) -> [UInt8] {
        try HMAC.authenticate(session + Array("ready".utf8), key: confirmation, algorithm: .sha256)
    }
}

/// A body that is only a fixed-size value (domain-ready's proof, release's domain key) or a
/// reason (domain-refused, launch-failed, launched).
public struct BytesBody: WireStructure, Equatable, Sendable {
    public static var wireName: String { "message body" }
    public var value: [UInt8]

    public init(_ value: [UInt8]) { self.value = value }

    public init(text: String) { self.value = Array(text.utf8) }

    public var text: String { String(decoding: value, as: UTF8.self) }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        value = try reader.readSized(lengthWidth: 2, maximum: 4096, field: "value")
    }

    public func serialize(into writer: inout ByteWriter) { writer.writeSized(value, lengthWidth: 2) }
}
