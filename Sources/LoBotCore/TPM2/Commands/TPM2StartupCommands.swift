// TPM2_Startup and TPM2_GetRandom (Part 3, 9.3 and 16.1): starting a fresh TPM (a swtpm started
// without startup-clear) and asking it for bytes.
//
//   TPM2_Startup    params: TPM_SU startupType (UINT16: CLEAR 0, STATE 1)    response: nothing
//   TPM2_GetRandom  params: UINT16 bytesRequested                            response: TPM2B_DIGEST randomBytes

public struct TPM2Startup: TPM2CommandBody, Equatable, Sendable {
    public typealias Response = TPM2EmptyResponse
    public static var commandCode: TPM2CommandCode { .startup }
    /// TPM_SU_CLEAR
    public static let clear: UInt16 = 0

    public var startupType: UInt16
    public init(startupType: UInt16 = TPM2Startup.clear) { self.startupType = startupType }

    public var handles: [UInt32] { [] }
    public func serializeParameters(into writer: inout ByteWriter) { writer.write(startupType) }
}

public struct TPM2GetRandom: TPM2CommandBody, Equatable, Sendable {
    public static var commandCode: TPM2CommandCode { .getRandom }

    public var bytesRequested: UInt16
    public init(bytesRequested: UInt16) { self.bytesRequested = bytesRequested }

    public var handles: [UInt32] { [] }
    public func serializeParameters(into writer: inout ByteWriter) { writer.write(bytesRequested) }

    public struct Response: TPM2ResponseBody, Equatable, Sendable {
        public static var handleCount: Int { 0 }
        public var randomBytes: TPM2BDigest
        public init(handles: [UInt32], parameters reader: inout ByteReader) throws(LoBotError) {
            randomBytes = try TPM2BDigest.parse(from: &reader)
        }
    }
}
