// TPM_KEY_PARMS (Part 2, 5.9): algorithm and schemes of a key.
//
//   typedef struct tdTPM_KEY_PARMS {
//       TPM_ALGORITHM_ID algorithmID;   /* UINT32 */
//       TPM_ENC_SCHEME encScheme;       /* UINT16 */
//       TPM_SIG_SCHEME sigScheme;       /* UINT16 */
//       UINT32 parmSize;
//       [size_is(parmSize)] BYTE* parms; /* TPM_RSA_KEY_PARMS for TPM_ALG_RSA */
//   } TPM_KEY_PARMS;

public struct KeyParms: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPM_KEY_PARMS" }
    public var algorithmID: AlgorithmID
    public var encScheme: EncryptionScheme
    public var sigScheme: SignatureScheme
    /// Raw parms, kept as read so that any algorithm round-trips.
    public var parms: [UInt8]

    public init(algorithmID: AlgorithmID, encScheme: EncryptionScheme, sigScheme: SignatureScheme, parms: [UInt8]) {
        self.algorithmID = algorithmID
        self.encScheme = encScheme
        self.sigScheme = sigScheme
        self.parms = parms
    }

    /// RSA parameters of a 2048-bit key with the default exponent.
    public static func rsa2048(encScheme: EncryptionScheme, sigScheme: SignatureScheme) -> KeyParms {
        KeyParms(algorithmID: .rsa, encScheme: encScheme, sigScheme: sigScheme, parms: RSAKeyParms().bytes)
    }

    /// The RSA parameters, when the algorithm is RSA.
    public func rsaParms() throws(LoBotError) -> RSAKeyParms {
        guard algorithmID == .rsa else {
            throw .invalidArgument("key algorithm \(algorithmID.rawValue) is not RSA")
        }
        return try RSAKeyParms(bytes: parms)
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        algorithmID = AlgorithmID(rawValue: try reader.readUInt32())
        encScheme = EncryptionScheme(rawValue: try reader.readUInt16())
        sigScheme = SignatureScheme(rawValue: try reader.readUInt16())
        parms = try reader.readSized(lengthWidth: 4, maximum: 64, field: "parmSize")
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(algorithmID.rawValue)
        writer.write(encScheme.rawValue)
        writer.write(sigScheme.rawValue)
        writer.writeSized(parms, lengthWidth: 4)
    }
}
