// Golden values for TPMs with PCR banks (TPM 2.0, and the SHA-1 PCRs of a TPM 1.2 seen the same
// way): under a name, for each bank the PCR values a correct launch must give, signed by the
// factory CA. The factory predicts them for an aDom's guest TPM at provisioning (LaunchMeasurement)
// and `lobot-factory golden show` prints them; GoldenRecord stays the TPM 1.2 composite form LSM's
// own decisions compare quotes with.
//
//   LoBot bank golden record:  BYTE magic[4] = "LBGB";  UINT8 version = 1;  UINT8 nameLength; name;
//                              UINT8 bankCount;  { UINT16 algorithm (TPM_ALG_ID);  UINT8 count;
//                                                  { UINT8 pcr; BYTE value[digest size] } [count] } [bankCount];
//                              UINT16 signatureSize; BYTE signature[]   /* RSA PKCS#1 v1.5 SHA-256
//                                                                          over all bytes before it */

public struct BankValues: Equatable, Sendable {
    public var bank: DigestAlgorithm
    public var pcrs: [(index: Int, value: [UInt8])]

    public init(bank: DigestAlgorithm, pcrs: [(index: Int, value: [UInt8])]) {
        self.bank = bank
        self.pcrs = pcrs
    }

    public static func == (a: BankValues, b: BankValues) -> Bool {
        a.bank == b.bank && a.pcrs.count == b.pcrs.count && zip(a.pcrs, b.pcrs).allSatisfy { $0.index == $1.index && $0.value == $1.value }
    }

    public func value(of index: Int) -> [UInt8]? { pcrs.first { $0.index == index }?.value }
}

public struct BankGoldenRecord: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot bank golden record" }
    static let magic: [UInt8] = Array("LBGB".utf8)

    public var name: String
    public var banks: [BankValues]
    public var signature: [UInt8]

    public init(name: String, banks: [BankValues], signature: [UInt8] = []) {
        self.name = name
        self.banks = banks
        self.signature = signature
    }

    public func values(_ bank: DigestAlgorithm) -> BankValues? { banks.first { $0.bank == bank } }

    public func signedBytes() -> [UInt8] {
        var writer = ByteWriter()
        writeSigned(into: &writer)
        return writer.bytes
    }

    func writeSigned(into writer: inout ByteWriter) {
        writer.write(Self.magic)
        writer.write(UInt8(1))
        writer.writeString(name, lengthWidth: 1)
        writer.write(UInt8(banks.count))
        for bank in banks {
            writer.write(bank.bank.tpmAlgorithmID)
            writer.write(UInt8(bank.pcrs.count))
            for pcr in bank.pcrs {
                writer.write(UInt8(pcr.index))
                writer.write(pcr.value)
            }
        }
    }

    public mutating func sign(with key: RSAPrivateKey) throws(LoBotError) {
        signature = try key.sign(digest: try Digest.sha256(signedBytes()), algorithm: .sha256)
    }

    public func verifySignature(_ key: RSAPublicKey) throws(LoBotError) {
        guard key.verify(signature: signature, digest: try Digest.sha256(signedBytes()), algorithm: .sha256) else {
            throw .authentication(what: "golden record \(name)")
        }
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([1], field: "version")
        name = try reader.readString(lengthWidth: 1, maximum: 255, field: "name")
        let bankCount = try reader.readCount(lengthWidth: 1, maximum: DigestAlgorithm.allCases.count, field: "bankCount")
        banks = []
        for _ in 0..<bankCount {
            let at = reader.offset
            let id = try reader.readUInt16()
            guard let bank = DigestAlgorithm(tpmAlgorithmID: id), !banks.contains(where: { $0.bank == bank }) else {
                throw reader.failure(.unexpectedValue(field: "algorithm", value: UInt64(id)), at: at)
            }
            let count = try reader.readCount(lengthWidth: 1, maximum: 24, field: "count")
            var pcrs: [(index: Int, value: [UInt8])] = []
            for _ in 0..<count {
                let indexAt = reader.offset
                let index = Int(try reader.readUInt8())
                guard index < 24, pcrs.last.map({ $0.index < index }) ?? true else {
                    throw reader.failure(.unexpectedValue(field: "pcr", value: UInt64(index)), at: indexAt)
                }
                pcrs.append((index, try reader.readBytes(bank.length)))
            }
            banks.append(BankValues(bank: bank, pcrs: pcrs))
        }
        signature = try reader.readSized(lengthWidth: 2, maximum: TPMLimits.maxModulusBytes, field: "signatureSize")
    }

    public func serialize(into writer: inout ByteWriter) {
        writeSigned(into: &writer)
        writer.writeSized(signature, lengthWidth: 2)
    }
}
