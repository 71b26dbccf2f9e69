// The NV commands LoBot uses: TPM2_NV_ReadPublic, TPM2_NV_Read (the EK certificate, a counter),
// TPM2_NV_DefineSpace and TPM2_NV_Increment (the platform's monotonic counter) (Part 3, 31.6,
// 31.13, 31.3, 31.8), and TPMS_NV_PUBLIC (Part 2, 13.5).
//
//   TPMS_NV_PUBLIC:  TPMI_RH_NV_INDEX nvIndex (UINT32); TPMI_ALG_HASH nameAlg; TPMA_NV attributes
//                    (UINT32); TPM2B_DIGEST authPolicy; UINT16 dataSize
//   TPM2_NV_ReadPublic   handles: TPMI_RH_NV_INDEX nvIndex (no auth)
//                        response: TPM2B_NV_PUBLIC nvPublic; TPM2B_NAME nvName
//   TPM2_NV_Read         handles: TPMI_RH_NV_AUTH authHandle (auth); TPMI_RH_NV_INDEX nvIndex
//                        params: UINT16 size; UINT16 offset
//                        response: TPM2B_MAX_NV_BUFFER data
//   TPM2_NV_DefineSpace  handles: TPMI_RH_PROVISION authHandle (auth)
//                        params: TPM2B_AUTH auth; TPM2B_NV_PUBLIC publicInfo
//                        response: nothing
//   TPM2_NV_Increment    handles: TPMI_RH_NV_AUTH authHandle (auth); TPMI_RH_NV_INDEX nvIndex
//                        response: nothing

/// TPMA_NV (Part 2, 13.4): the bits LoBot sets or reads; TPM_NT is bits 4..7.
public struct TPMANV: OptionSet, Hashable, Sendable {
    public var rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let ownerWrite = TPMANV(rawValue: 1 << 1)
    public static let authWrite = TPMANV(rawValue: 1 << 2)
    /// TPM_NT_COUNTER in the type field.
    public static let counter = TPMANV(rawValue: 1 << 4)
    public static let ownerRead = TPMANV(rawValue: 1 << 17)
    public static let authRead = TPMANV(rawValue: 1 << 18)
    public static let noDA = TPMANV(rawValue: 1 << 25)
    /// The index has been written (a counter incremented) since it was defined.
    public static let written = TPMANV(rawValue: 1 << 29)

    /// TPM_NT, the index's type (0 ordinary, 1 counter, 2 bits, 4 extend, 8 PIN fail, 9 PIN pass).
    public var type: UInt32 { (rawValue >> 4) & 0xF }
}

public struct TPMSNVPublic: WireStructure, Equatable, Sendable {
    public static var wireName: String { "TPMS_NV_PUBLIC" }

    public var nvIndex: UInt32
    public var nameAlg: TPMAlgorithm
    public var attributes: TPMANV
    public var authPolicy: TPM2BDigest
    public var dataSize: UInt16

    public init(nvIndex: UInt32, nameAlg: TPMAlgorithm, attributes: TPMANV, authPolicy: [UInt8] = [], dataSize: UInt16)
    {
        self.nvIndex = nvIndex
        self.nameAlg = nameAlg
        self.attributes = attributes
        self.authPolicy = TPM2BDigest(authPolicy)
        self.dataSize = dataSize
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        nvIndex = try reader.readUInt32()
        nameAlg = TPMAlgorithm(rawValue: try reader.readUInt16())
        attributes = TPMANV(rawValue: try reader.readUInt32())
        authPolicy = try TPM2BDigest.parse(from: &reader)
        dataSize = try reader.readUInt16()
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(nvIndex)
        writer.write(nameAlg.rawValue)
        writer.write(attributes.rawValue)
        authPolicy.serialize(into: &writer)
        writer.write(dataSize)
    }
}

public struct TPM2NVReadPublic: TPM2CommandBody, Equatable, Sendable {
    public static var commandCode: TPM2CommandCode { .nvReadPublic }

    public var nvIndex: UInt32
    public init(nvIndex: UInt32) { self.nvIndex = nvIndex }

    public var handles: [UInt32] { [nvIndex] }
    public func serializeParameters(into writer: inout ByteWriter) {}

    public struct Response: TPM2ResponseBody, Equatable, Sendable {
        public static var handleCount: Int { 0 }
        public var nvPublic: TPMSNVPublic
        public var nvName: TPM2BName
        public init(handles: [UInt32], parameters reader: inout ByteReader) throws(LoBotError) {
            nvPublic = try reader.readSizedStructure(
                TPMSNVPublic.self, maximum: 2 + 4 + 2 + 4 + 2 + TPM2Limits.maxDigestBytes + 2,
                field: "TPM2B_NV_PUBLIC.size")
            nvName = try TPM2BName.parse(from: &reader)
        }
    }
}

public struct TPM2NVRead: TPM2CommandBody, Equatable, Sendable {
    public static var commandCode: TPM2CommandCode { .nvRead }

    public var authHandle: UInt32
    public var nvIndex: UInt32
    public var size: UInt16
    public var offset: UInt16

    public init(authHandle: UInt32, nvIndex: UInt32, size: UInt16, offset: UInt16) {
        self.authHandle = authHandle
        self.nvIndex = nvIndex
        self.size = size
        self.offset = offset
    }

    public var handles: [UInt32] { [authHandle, nvIndex] }
    public func serializeParameters(into writer: inout ByteWriter) {
        writer.write(size)
        writer.write(offset)
    }

    public struct Response: TPM2ResponseBody, Equatable, Sendable {
        public static var handleCount: Int { 0 }
        public var data: TPM2BMaxNVBuffer
        public init(handles: [UInt32], parameters reader: inout ByteReader) throws(LoBotError) {
            data = try TPM2BMaxNVBuffer.parse(from: &reader)
        }
    }
}

public struct TPM2NVDefineSpace: TPM2CommandBody, Equatable, Sendable {
    public typealias Response = TPM2EmptyResponse
    public static var commandCode: TPM2CommandCode { .nvDefineSpace }

    public var authHandle: UInt32
    public var publicInfo: TPMSNVPublic

    /// An index with an empty authValue, defined by `authHandle` (TPM_RH_OWNER).
    public init(authHandle: UInt32, publicInfo: TPMSNVPublic) {
        self.authHandle = authHandle
        self.publicInfo = publicInfo
    }

    public var handles: [UInt32] { [authHandle] }
    public func serializeParameters(into writer: inout ByteWriter) {
        TPM2BDigest.empty.serialize(into: &writer)
        writer.writeSizedStructure(publicInfo)
    }
}

public struct TPM2NVIncrement: TPM2CommandBody, Equatable, Sendable {
    public typealias Response = TPM2EmptyResponse
    public static var commandCode: TPM2CommandCode { .nvIncrement }

    public var authHandle: UInt32
    public var nvIndex: UInt32
    public init(authHandle: UInt32, nvIndex: UInt32) {
        self.authHandle = authHandle
        self.nvIndex = nvIndex
    }

    public var handles: [UInt32] { [authHandle, nvIndex] }
    public func serializeParameters(into writer: inout ByteWriter) {}
}
