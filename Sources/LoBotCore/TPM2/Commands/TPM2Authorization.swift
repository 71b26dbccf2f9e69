// The authorization area's entries (Part 2, 10.13.2 and 10.13.3): one TPMS_AUTH_COMMAND per handle
// that needs authorization, one TPMS_AUTH_RESPONSE back for each. LoBot sends password
// authorizations (TPM_RS_PW with the empty authValue its keys and hierarchies have) and the EK's
// policy session.
//
//   TPMS_AUTH_COMMAND:
//       TPMI_SH_AUTH_SESSION sessionHandle;   /* UINT32: TPM_RS_PW or a session */
//       TPM2B_NONCE nonce;                    /* the caller's nonce; empty for TPM_RS_PW */
//       TPMA_SESSION sessionAttributes;       /* UINT8: continueSession = bit 0, ... */
//       TPM2B_AUTH hmac;                      /* the HMAC, or the password for TPM_RS_PW */
//   TPMS_AUTH_RESPONSE:
//       TPM2B_NONCE nonce;                    /* the TPM's nonce */
//       TPMA_SESSION sessionAttributes;       /* UINT8 */
//       TPM2B_AUTH hmac;

/// TPMA_SESSION (Part 2, 8.4).
public struct TPMASession: OptionSet, Hashable, Sendable {
    public var rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// The session stays open after the command succeeds.
    public static let continueSession = TPMASession(rawValue: 1 << 0)
    public static let auditExclusive = TPMASession(rawValue: 1 << 1)
    public static let auditReset = TPMASession(rawValue: 1 << 2)
    /// The first command parameter is encrypted.
    public static let decrypt = TPMASession(rawValue: 1 << 5)
    /// The first response parameter is encrypted.
    public static let encrypt = TPMASession(rawValue: 1 << 6)
    public static let audit = TPMASession(rawValue: 1 << 7)
}

public struct TPMSAuthCommand: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMS_AUTH_COMMAND" }

    public var sessionHandle: UInt32
    public var nonce: TPM2BDigest
    public var sessionAttributes: TPMASession
    public var hmac: TPM2BDigest

    public init(sessionHandle: UInt32, nonce: [UInt8] = [], sessionAttributes: TPMASession, hmac: [UInt8] = []) {
        self.sessionHandle = sessionHandle
        self.nonce = TPM2BDigest(nonce)
        self.sessionAttributes = sessionAttributes
        self.hmac = TPM2BDigest(hmac)
    }

    /// TPM_RS_PW with the empty password: what LoBot's keys and the hierarchies it uses take.
    public static let emptyPassword = TPMSAuthCommand(
        sessionHandle: TPM2Handle.passwordSession, sessionAttributes: .continueSession)

    /// A policy session whose policy needs no HMAC (PolicySecret satisfied before the command);
    /// the session stays open so that its owner flushes it on every path.
    public static func policy(_ session: UInt32) -> TPMSAuthCommand {
        TPMSAuthCommand(sessionHandle: session, sessionAttributes: .continueSession)
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        sessionHandle = try reader.readUInt32()
        nonce = try TPM2BDigest.parse(from: &reader)
        sessionAttributes = TPMASession(rawValue: try reader.readUInt8())
        hmac = try TPM2BDigest.parse(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(sessionHandle)
        nonce.serialize(into: &writer)
        writer.write(sessionAttributes.rawValue)
        hmac.serialize(into: &writer)
    }
}

public struct TPMSAuthResponse: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMS_AUTH_RESPONSE" }

    public var nonce: TPM2BDigest
    public var sessionAttributes: TPMASession
    public var hmac: TPM2BDigest

    public init(nonce: [UInt8], sessionAttributes: TPMASession, hmac: [UInt8]) {
        self.nonce = TPM2BDigest(nonce)
        self.sessionAttributes = sessionAttributes
        self.hmac = TPM2BDigest(hmac)
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        nonce = try TPM2BDigest.parse(from: &reader)
        sessionAttributes = TPMASession(rawValue: try reader.readUInt8())
        hmac = try TPM2BDigest.parse(from: &reader)
    }

    public func serialize(into writer: inout ByteWriter) {
        nonce.serialize(into: &writer)
        writer.write(sessionAttributes.rawValue)
        hmac.serialize(into: &writer)
    }
}
