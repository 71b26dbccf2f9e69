// Golden values: the PCR values a trusted platform or a correctly booted LoBot must quote, under a
// name, signed by the factory CA. Recorded from a known-good platform's verified quote or
// predicted from a baked image; every trust decision compares a quote against one.
//
//   LoBot golden record:  BYTE magic[4] = "LBGV";  UINT8 version = 1;
//                         UINT8 nameLength; BYTE name[nameLength] (UTF-8);
//                         TPM_PCR_COMPOSITE values;
//                         UINT16 signatureSize; BYTE signature[]   /* RSA PKCS#1 v1.5 SHA-256
//                                                                      over all bytes before it */

public struct GoldenRecord: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot golden record" }
    static let magic: [UInt8] = Array("LBGV".utf8)

    public var name: String
    public var values: PCRComposite
    public var signature: [UInt8]

    public init(name: String, values: PCRComposite, signature: [UInt8] = []) {
        self.name = name
        self.values = values
        self.signature = signature
    }

    public func signedBytes() -> [UInt8] {
        var writer = ByteWriter()
        writeSigned(into: &writer)
        return writer.bytes
    }

    func writeSigned(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(UInt8(1))
        writer.writeString(name, lengthWidth: 1)
        values.serialize(into: &writer)
    }

    public mutating func sign(with key: RSAPrivateKey) throws(LoBotError) {
        signature = try key.sign(digest: try Digest.sha256(signedBytes()), algorithm: .sha256)
    }

    public func verifySignature(_ key: RSAPublicKey) throws(LoBotError) {
        guard key.verify(signature: signature, digest: try Digest.sha256(signedBytes()), algorithm: .sha256) else {
            throw .authentication(what: "golden record \(name)")
        }
    }

    /// Refuses a composite unless every PCR this record names is in it with the recorded value.
    public func check(_ quoted: PCRComposite) throws(LoBotError) {
        var wrong: [Int] = []
        for (i, index) in values.selection.indices.enumerated() where quoted.value(of: index) != values.values[i] {
            wrong.append(index)
        }
        guard wrong.isEmpty else {
            throw .pcrMismatch("PCRs \(PCRList.describe(wrong)) differ from golden values \(name)")
        }
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([1], field: "version")
        name = try reader.readString(lengthWidth: 1, maximum: 255, field: "name")
        values = try PCRComposite.parse(from: &reader)
        signature = try reader.readSized(lengthWidth: 2, maximum: TPMLimits.maxModulusBytes, field: "signatureSize")
    }

    public func serialize(into writer: inout ByteWriter) {
        writeSigned(into: &writer)
        writer.writeSized(signature, lengthWidth: 2)
    }
}
