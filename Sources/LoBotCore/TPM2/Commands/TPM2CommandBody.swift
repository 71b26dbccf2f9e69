// How a TPM 2.0 command's own part (its handles and parameters) becomes a TPM2Command frame, and
// how a TPM2Response's body becomes that command's response (Part 1, 18; Part 3, "Command and
// Response Structure"). Each command in this folder is a value type giving its code, its handles
// and a serializer of its parameters; its Response a throwing parser of the response parameters.
//
//   command body:  TPM_HANDLE handles[n];
//                  UINT32 authorizationSize;            /* only with TPM_ST_SESSIONS */
//                  TPMS_AUTH_COMMAND auths[];           /* one per handle that needs one */
//                  parameters
//   response body: TPM_HANDLE handles[m];
//                  UINT32 parameterSize;                /* only with TPM_ST_SESSIONS */
//                  parameters[parameterSize]
//                  TPMS_AUTH_RESPONSE auths[];          /* one per session sent, in order */

public protocol TPM2CommandBody {
    associatedtype Response: TPM2ResponseBody
    static var commandCode: TPM2CommandCode { get }
    /// The handle area, in order.
    var handles: [UInt32] { get }
    func serializeParameters(into writer: inout ByteWriter)
}

public protocol TPM2ResponseBody {
    /// How many handles the response's handle area holds (CreatePrimary, Load, StartAuthSession: one).
    static var handleCount: Int { get }
    /// Reads the response parameters; `handles` are the response's handles.
    init(handles: [UInt32], parameters reader: inout ByteReader) throws(LoBotError)
}

/// The response of a command whose response has no handles and no parameters.
public struct TPM2EmptyResponse: TPM2ResponseBody, Equatable, Sendable {
    public static var handleCount: Int { 0 }
    public init() {}
    public init(handles: [UInt32], parameters reader: inout ByteReader) throws(LoBotError) {}
}

extension TPM2CommandBody {
    /// The parameters' bytes.
    public var parameterBytes: [UInt8] {
        var writer = ByteWriter()
        serializeParameters(into: &writer)
        return writer.bytes
    }

    /// The command frame, with an authorization area when `authorizations` is not empty.
    public func frame(authorizations: [TPMSAuthCommand] = []) -> TPM2Command {
        var writer = ByteWriter()
        for handle in handles { writer.write(handle) }
        if !authorizations.isEmpty {
            var area = ByteWriter()
            for auth in authorizations { auth.serialize(into: &area) }
            writer.write(UInt32(area.bytes.count))
            writer.write(area.bytes)
        }
        serializeParameters(into: &writer)
        return TPM2Command(sessions: !authorizations.isEmpty, commandCode: Self.commandCode, body: writer.bytes)
    }

    /// Reads a successful response's body: the handles, the parameters (exactly parameterSize of
    /// them with sessions), and one TPMS_AUTH_RESPONSE per authorization sent; nothing may follow.
    public static func parseResponse(
        _ response: TPM2Response, authorizations: Int
    ) throws(LoBotError) -> (response: Response, auths: [TPMSAuthResponse]) {
        let parts = try splitResponse(response, authorizations: authorizations)
        return (try parseParameters(handles: parts.handles, parts.parameters), parts.auths)
    }

    /// The response's parameters read as this command's Response; nothing may follow them.
    public static func parseParameters(handles: [UInt32], _ parameters: [UInt8]) throws(LoBotError) -> Response {
        var reader = ByteReader(
            parameters, structure: "TPM 2.0 response to command 0x\(Hex.string(UInt(commandCode.rawValue)))")
        let value = try Response(handles: handles, parameters: &reader)
        try reader.finish()
        return value
    }

    /// A successful response's body in its parts: handles, parameter bytes (what rpHash covers and
    /// response encryption encrypts) and authorizations.
    public static func splitResponse(
        _ response: TPM2Response, authorizations: Int
    ) throws(LoBotError) -> (handles: [UInt32], parameters: [UInt8], auths: [TPMSAuthResponse]) {
        var reader = ByteReader(
            response.body, structure: "TPM 2.0 response to command 0x\(Hex.string(UInt(commandCode.rawValue)))")
        guard response.sessions == (authorizations > 0) else {
            throw reader.failure(.inconsistent("the response's tag does not match the command's sessions"), at: 0)
        }
        var handles: [UInt32] = []
        for _ in 0..<Response.handleCount { handles.append(try reader.readUInt32()) }
        if authorizations == 0 { return (handles, try reader.readBytes(reader.remaining), []) }
        let sizeAt = reader.offset
        let size = Int(try reader.readUInt32())
        guard size <= reader.remaining else {
            throw reader.failure(
                .lengthTooLarge(field: "parameterSize", value: UInt64(size), maximum: UInt64(reader.remaining)),
                at: sizeAt)
        }
        let parameters = try reader.readBytes(size)
        var auths: [TPMSAuthResponse] = []
        for _ in 0..<authorizations { auths.append(try TPMSAuthResponse.parse(from: &reader)) }
        try reader.finish()
        return (handles, parameters, auths)
    }
}

/// Handles of the TPM's own entities (Part 2, 7.4, TPM_RH) and the password session (TPM_RS_PW).
public enum TPM2Handle {
    /// TPM_RH_OWNER: the storage hierarchy.
    public static let owner: UInt32 = 0x4000_0001
    /// TPM_RS_PW: the password authorization "session".
    public static let passwordSession: UInt32 = 0x4000_0009
    /// TPM_RH_NULL
    public static let null: UInt32 = 0x4000_0007
    /// TPM_RH_ENDORSEMENT: the endorsement hierarchy.
    public static let endorsement: UInt32 = 0x4000_000B
    /// TPM_RH_PLATFORM
    public static let platform: UInt32 = 0x4000_000C
    /// The TCG's persistent handle of the storage root key, the SRK (TCG TPM v2.0 Provisioning
    /// Guidance, 7.8): where LoBot keeps its storage primary, whose template is the TCG's SRK's.
    public static let persistentSRK: UInt32 = 0x8100_0001
    /// The TCG's persistent handle of the RSA EK (TCG TPM v2.0 Provisioning Guidance, 7.8).
    public static let persistentRSAEK: UInt32 = 0x8101_0001
    /// The TCG's NV index of the RSA-2048 EK certificate (TCG EK Credential Profile, 2.2.1.4).
    public static let rsaEKCertificate: UInt32 = 0x01C0_0002
}

/// TPM_RC values LoBot tells apart (Part 2, 6.6).
public enum TPM2ResponseCode {
    /// TPM_RC_INITIALIZE: TPM2_Startup after the TPM already started.
    public static let initialize: UInt32 = 0x100
    /// TPM_RC_NV_UNINITIALIZED: an NV index never written (a counter never incremented).
    public static let nvUninitialized: UInt32 = 0x14A

    /// Whether `code` is TPM_RC_HANDLE (a format-one error, whichever handle it names): the
    /// entity at a handle does not exist.
    public static func isHandleError(_ code: UInt32) -> Bool { code & 0x80 != 0 && code & 0x3F == 0x0B }
}
