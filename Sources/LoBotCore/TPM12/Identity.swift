// The TPM 1.2 privacy-CA exchange (Part 2, 12.1-12.6; Part 3, 15.1-15.2), as TrouSerS 0.3.15
// builds and reads it. The platform sends TPM_IDENTITY_REQ; the CA answers with
// TPM_ASYM_CA_CONTENTS (RSA-OAEP "TCPA" to the EK) and TPM_SYM_CA_ATTESTATION.
//
//   TPM_IDENTITY_REQ { UINT32 asymSize; UINT32 symSize; TPM_KEY_PARMS asymAlgorithm;
//                      TPM_KEY_PARMS symAlgorithm; BYTE asymBlob[asymSize]; BYTE symBlob[symSize] }
//   TPM_SYMMETRIC_KEY { TPM_ALGORITHM_ID algId; TPM_ENC_SCHEME encScheme; UINT16 size; BYTE data[size] }
//   TPM_IDENTITY_PROOF { TPM_STRUCT_VER ver; UINT32 labelSize; UINT32 identityBindingSize;
//                        UINT32 endorsementSize; UINT32 platformSize; UINT32 conformanceSize;
//                        TPM_PUBKEY identityKey; BYTE labelArea[labelSize];
//                        BYTE identityBinding[identityBindingSize]; BYTE endorsementCredential[..];
//                        BYTE platformCredential[..]; BYTE conformanceCredential[..] }
//   TPM_IDENTITY_CONTENTS { TPM_STRUCT_VER ver; UINT32 ordinal (TPM_ORD_MakeIdentity = 0x79);
//                           TPM_CHOSENID_HASH labelPrivCADigest; TPM_PUBKEY identityPubKey }
//   TPM_ASYM_CA_CONTENTS { TPM_SYMMETRIC_KEY sessionKey; TPM_DIGEST idDigest }
//   TPM_SYM_CA_ATTESTATION { UINT32 credSize; TPM_KEY_PARMS algorithm; BYTE credential[credSize] }

public struct IdentityRequest: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_IDENTITY_REQ" }
    public var asymAlgorithm: KeyParms
    public var symAlgorithm: KeyParms
    public var asymBlob: [UInt8]
    public var symBlob: [UInt8]

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let asymSize = try reader.readCount(lengthWidth: 4, maximum: TPMLimits.maxModulusBytes, field: "asymSize")
        let symSize = try reader.readCount(lengthWidth: 4, maximum: 16 << 10, field: "symSize")
        asymAlgorithm = try KeyParms.parse(from: &reader)
        symAlgorithm = try KeyParms.parse(from: &reader)
        asymBlob = try reader.readBytes(asymSize)
        symBlob = try reader.readBytes(symSize)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(UInt32(asymBlob.count))
        writer.write(UInt32(symBlob.count))
        asymAlgorithm.serialize(into: &writer)
        symAlgorithm.serialize(into: &writer)
        writer.write(asymBlob)
        writer.write(symBlob)
    }
}

public struct SymmetricKey: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_SYMMETRIC_KEY" }
    public var algorithm: AlgorithmID
    public var encScheme: UInt16
    public var data: [UInt8]

    public init(algorithm: AlgorithmID, encScheme: UInt16, data: [UInt8]) {
        self.algorithm = algorithm
        self.encScheme = encScheme
        self.data = data
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        algorithm = AlgorithmID(rawValue: try reader.readUInt32())
        encScheme = try reader.readUInt16()
        data = try reader.readSized(lengthWidth: 2, maximum: 64, field: "size")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(algorithm.rawValue)
        writer.write(encScheme)
        writer.writeSized(data, lengthWidth: 2)
    }
}

public struct IdentityProof: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_IDENTITY_PROOF" }
    public var identityKey: PubKey
    public var label: [UInt8]
    public var identityBinding: [UInt8]
    public var endorsementCredential: [UInt8]
    public var platformCredential: [UInt8]
    public var conformanceCredential: [UInt8]

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        _ = try StructVersion.parse(from: &reader)
        let cap = 8 << 10
        let labelSize = try reader.readCount(lengthWidth: 4, maximum: 256, field: "labelSize")
        let bindingSize = try reader.readCount(lengthWidth: 4, maximum: TPMLimits.maxModulusBytes, field: "identityBindingSize")
        let endorsementSize = try reader.readCount(lengthWidth: 4, maximum: cap, field: "endorsementSize")
        let platformSize = try reader.readCount(lengthWidth: 4, maximum: cap, field: "platformSize")
        let conformanceSize = try reader.readCount(lengthWidth: 4, maximum: cap, field: "conformanceSize")
        identityKey = try PubKey.parse(from: &reader)
        label = try reader.readBytes(labelSize)
        identityBinding = try reader.readBytes(bindingSize)
        endorsementCredential = try reader.readBytes(endorsementSize)
        platformCredential = try reader.readBytes(platformSize)
        conformanceCredential = try reader.readBytes(conformanceSize)
    }

    public func serialize(into writer: inout ByteWriter) {
        StructVersion.v1_1.serialize(into: &writer)
        for part in [label, identityBinding, endorsementCredential, platformCredential, conformanceCredential] {
            writer.write(UInt32(part.count))
        }
        identityKey.serialize(into: &writer)
        for part in [label, identityBinding, endorsementCredential, platformCredential, conformanceCredential] {
            writer.write(part)
        }
    }
}

public struct IdentityContents: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_IDENTITY_CONTENTS" }
    /// TPM_ORD_MakeIdentity.
    public static let makeIdentity: UInt32 = 0x79
    public var labelPrivCADigest: SHA1Digest
    public var identityPubKey: PubKey

    public init(labelPrivCADigest: SHA1Digest, identityPubKey: PubKey) {
        self.labelPrivCADigest = labelPrivCADigest
        self.identityPubKey = identityPubKey
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        _ = try StructVersion.parse(from: &reader)
        try reader.expectUInt32(Self.makeIdentity, field: "ordinal")
        labelPrivCADigest = try SHA1Digest(parsing: &reader)
        identityPubKey = try PubKey.parse(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        StructVersion.v1_1.serialize(into: &writer)
        writer.write(Self.makeIdentity)
        labelPrivCADigest.serialize(into: &writer)
        identityPubKey.serialize(into: &writer)
    }
}

public struct AsymCAContents: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_ASYM_CA_CONTENTS" }
    public var sessionKey: SymmetricKey
    public var idDigest: SHA1Digest

    public init(sessionKey: SymmetricKey, idDigest: SHA1Digest) {
        self.sessionKey = sessionKey
        self.idDigest = idDigest
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        sessionKey = try SymmetricKey.parse(from: &reader)
        idDigest = try SHA1Digest(parsing: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        sessionKey.serialize(into: &writer)
        idDigest.serialize(into: &writer)
    }
}

public struct SymCAAttestation: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_SYM_CA_ATTESTATION" }
    public var algorithm: KeyParms
    public var credential: [UInt8]

    public init(algorithm: KeyParms, credential: [UInt8]) {
        self.algorithm = algorithm
        self.credential = credential
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        let size = try reader.readCount(lengthWidth: 4, maximum: 8 << 10, field: "credSize")
        algorithm = try KeyParms.parse(from: &reader)
        credential = try reader.readBytes(size)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(UInt32(credential.count))
        algorithm.serialize(into: &writer)
        writer.write(credential)
    }
}

/// What the factory sends back to an enrolling platform: the two halves TPM_ActivateIdentity takes.
///
///   LoBot enrollment answer:  BYTE magic[4] = "LBEA";  UINT8 version = 1;
///                             UINT16 asymSize; BYTE asym[asymSize];  UINT16 symSize; BYTE sym[symSize]
public struct EnrollmentAnswer: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot enrollment answer" }
    static let magic: [UInt8] = Array("LBEA".utf8)
    public var asymmetric: [UInt8]
    public var symmetric: [UInt8]

    public init(asymmetric: [UInt8], symmetric: [UInt8]) {
        self.asymmetric = asymmetric
        self.symmetric = symmetric
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([1], field: "version")
        asymmetric = try reader.readSized(lengthWidth: 2, maximum: TPMLimits.maxModulusBytes, field: "asymSize")
        symmetric = try reader.readSized(lengthWidth: 2, maximum: 8 << 10, field: "symSize")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(UInt8(1))
        writer.writeSized(asymmetric, lengthWidth: 2)
        writer.writeSized(symmetric, lengthWidth: 2)
    }
}
