// TPM2_GetCapability for handles (Part 3, 30.2; Part 2, 10.9.2 and 10.10.2): which transient
// objects or loaded sessions a TPM holds, so that what a process killed mid-operation left loaded
// -- a TPM without a resource manager keeps it until it is flushed -- can be flushed.
//
//   parameters:  TPM_CAP capability = TPM_CAP_HANDLES (0x00000001);  UINT32 property (the first
//                handle of the range);  UINT32 propertyCount
//   response:    TPMI_YES_NO moreData;  TPMS_CAPABILITY_DATA { TPM_CAP capability;
//                TPML_HANDLE { UINT32 count (at most 254); TPM_HANDLE handle[count]; } }

public struct TPM2GetCapabilityHandles: TPM2CommandBody, Equatable, Sendable {
    public static var commandCode: TPM2CommandCode { .getCapability }
    public static let capabilityHandles: UInt32 = 0x0000_0001
    /// MAX_CAP_HANDLES for a 1024-byte capability buffer.
    public static let maximumHandles = 254
    /// The first transient object handle (TPM_HT_TRANSIENT) and the first loaded HMAC and policy
    /// session handles (TPM_HT_LOADED_SESSION, TPM_HT_POLICY_SESSION).
    public static let transientObjects: UInt32 = 0x8000_0000
    public static let loadedSessions: UInt32 = 0x0200_0000
    public static let policySessions: UInt32 = 0x0300_0000

    public var first: UInt32
    public var count: UInt32

    public init(first: UInt32, count: UInt32 = UInt32(maximumHandles)) {
        self.first = first
        self.count = count
    }

    public var handles: [UInt32] { [] }

    public func serializeParameters(into writer: inout ByteWriter) {
        writer.write(Self.capabilityHandles)
        writer.write(first)
        writer.write(count)
    }

    public struct Response: TPM2ResponseBody, Equatable, Sendable {
        public static var handleCount: Int { 0 }
        public var moreData: Bool
        public var handles: [UInt32]

        public init(moreData: Bool, handles: [UInt32]) {
            self.moreData = moreData
            self.handles = handles
        }

        public init(handles _: [UInt32], parameters reader: inout ByteReader) throws(LoBotError) {
            let moreAt = reader.offset
            let more = try reader.readUInt8()
            guard more <= 1 else { throw reader.failure(.unexpectedValue(field: "moreData", value: UInt64(more)), at: moreAt) }
            moreData = more == 1
            try reader.expectUInt32(TPM2GetCapabilityHandles.capabilityHandles, field: "capability")
            let count = try reader.readCount(lengthWidth: 4, maximum: TPM2GetCapabilityHandles.maximumHandles, field: "count")
            var list: [UInt32] = []
            for _ in 0..<count { list.append(try reader.readUInt32()) }
            handles = list
        }

        public func serialize(into writer: inout ByteWriter) {
            writer.write(UInt8(moreData ? 1 : 0))
            writer.write(TPM2GetCapabilityHandles.capabilityHandles)
            writer.write(UInt32(handles.count))
            for handle in handles { writer.write(handle) }
        }
    }
}
