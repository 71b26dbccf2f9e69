// The object commands: TPM2_CreatePrimary, TPM2_Create, TPM2_Load, TPM2_ReadPublic and
// TPM2_FlushContext (Part 3, 24.1, 12.1, 12.2, 12.4, 28.4). LoBot's objects all have an empty
// authValue and no sensitive data of the caller's, so the sensitive part it sends is always empty.
//
//   TPM2_CreatePrimary  handles: TPMI_RH_HIERARCHY primaryHandle (auth)
//   TPM2_Create         handles: TPMI_DH_OBJECT parentHandle (auth)
//     params (both):    TPM2B_SENSITIVE_CREATE inSensitive;   /* UINT16 4; TPM2B_AUTH userAuth (empty);
//                                                                TPM2B_SENSITIVE_DATA data (empty) */
//                       TPM2B_PUBLIC inPublic; TPM2B_DATA outsideInfo; TPML_PCR_SELECTION creationPCR
//     CreatePrimary response: TPM_HANDLE objectHandle; TPM2B_PUBLIC outPublic;
//                       TPM2B_CREATION_DATA creationData; TPM2B_DIGEST creationHash;
//                       TPMT_TK_CREATION creationTicket; TPM2B_NAME name
//     Create response:  TPM2B_PRIVATE outPrivate; TPM2B_PUBLIC outPublic; TPM2B_CREATION_DATA
//                       creationData; TPM2B_DIGEST creationHash; TPMT_TK_CREATION creationTicket
//   TPM2_Load           handles: TPMI_DH_OBJECT parentHandle (auth)
//                       params: TPM2B_PRIVATE inPrivate; TPM2B_PUBLIC inPublic
//                       response: TPM_HANDLE objectHandle; TPM2B_NAME name
//   TPM2_ReadPublic     handles: TPMI_DH_OBJECT objectHandle (no auth)
//                       response: TPM2B_PUBLIC outPublic; TPM2B_NAME name; TPM2B_NAME qualifiedName
//   TPM2_FlushContext   params: TPMI_DH_CONTEXT flushHandle (UINT32; a parameter, not a handle)
//   TPM2_EvictControl   handles: TPMI_RH_PROVISION auth (auth); TPMI_DH_OBJECT objectHandle
//                       params: TPMI_DH_PERSISTENT persistentHandle (UINT32); empty response
//                       response: nothing
//
// TPM2B_CREATION_DATA and the creation ticket are read (bounded) and dropped: LoBot certifies its
// keys with TPM2_Certify instead.
//   TPMT_TK_CREATION:   TPM_ST tag; TPMI_RH_HIERARCHY hierarchy; TPM2B_DIGEST digest

enum TPM2CreationOutputs {
    /// Largest TPM2B_CREATION_DATA read: a TPMS_CREATION_DATA with a full PCR selection and names.
    static let maximumCreationData = 1024

    /// Skips creationData, creationHash and creationTicket.
    static func skip(_ reader: inout ByteReader) throws(LoBotError) {
        _ = try reader.readSized(lengthWidth: 2, maximum: maximumCreationData, field: "TPM2B_CREATION_DATA.size")
        _ = try TPM2BDigest.parse(from: &reader)
        _ = try reader.readUInt16()
        _ = try reader.readUInt32()
        _ = try TPM2BDigest.parse(from: &reader)
    }

    static func serializeCreate(_ template: TPMTPublic, into writer: inout ByteWriter) {
        writer.write([0x00, 0x04, 0x00, 0x00, 0x00, 0x00])
        TPM2BPublic(template).serialize(into: &writer)
        TPM2BData.empty.serialize(into: &writer)
        TPMLPCRSelection([]).serialize(into: &writer)
    }
}

public struct TPM2CreatePrimary: TPM2CommandBody, Equatable, Sendable {
    public static var commandCode: TPM2CommandCode { .createPrimary }

    public var hierarchy: UInt32
    public var template: TPMTPublic
    public init(hierarchy: UInt32, template: TPMTPublic) {
        self.hierarchy = hierarchy
        self.template = template
    }

    public var handles: [UInt32] { [hierarchy] }
    public func serializeParameters(into writer: inout ByteWriter) {
        TPM2CreationOutputs.serializeCreate(template, into: &writer)
    }

    public struct Response: TPM2ResponseBody, Equatable, Sendable {
        public static var handleCount: Int { 1 }
        public var objectHandle: UInt32
        public var outPublic: TPM2BPublic
        public var name: TPM2BName
        public init(handles: [UInt32], parameters reader: inout ByteReader) throws(LoBotError) {
            objectHandle = handles[0]
            outPublic = try TPM2BPublic.parse(from: &reader)
            try TPM2CreationOutputs.skip(&reader)
            name = try TPM2BName.parse(from: &reader)
        }
    }
}

public struct TPM2Create: TPM2CommandBody, Equatable, Sendable {
    public static var commandCode: TPM2CommandCode { .create }

    public var parent: UInt32
    public var template: TPMTPublic
    public init(parent: UInt32, template: TPMTPublic) {
        self.parent = parent
        self.template = template
    }

    public var handles: [UInt32] { [parent] }
    public func serializeParameters(into writer: inout ByteWriter) {
        TPM2CreationOutputs.serializeCreate(template, into: &writer)
    }

    public struct Response: TPM2ResponseBody, Equatable, Sendable {
        public static var handleCount: Int { 0 }
        public var outPrivate: TPM2BPrivate
        public var outPublic: TPM2BPublic
        public init(handles: [UInt32], parameters reader: inout ByteReader) throws(LoBotError) {
            outPrivate = try TPM2BPrivate.parse(from: &reader)
            outPublic = try TPM2BPublic.parse(from: &reader)
            try TPM2CreationOutputs.skip(&reader)
        }
    }
}

public struct TPM2Load: TPM2CommandBody, Equatable, Sendable {
    public static var commandCode: TPM2CommandCode { .load }

    public var parent: UInt32
    public var inPrivate: TPM2BPrivate
    public var inPublic: TPM2BPublic
    public init(parent: UInt32, inPrivate: TPM2BPrivate, inPublic: TPM2BPublic) {
        self.parent = parent
        self.inPrivate = inPrivate
        self.inPublic = inPublic
    }

    public var handles: [UInt32] { [parent] }
    public func serializeParameters(into writer: inout ByteWriter) {
        inPrivate.serialize(into: &writer)
        inPublic.serialize(into: &writer)
    }

    public struct Response: TPM2ResponseBody, Equatable, Sendable {
        public static var handleCount: Int { 1 }
        public var objectHandle: UInt32
        public var name: TPM2BName
        public init(handles: [UInt32], parameters reader: inout ByteReader) throws(LoBotError) {
            objectHandle = handles[0]
            name = try TPM2BName.parse(from: &reader)
        }
    }
}

public struct TPM2ReadPublic: TPM2CommandBody, Equatable, Sendable {
    public static var commandCode: TPM2CommandCode { .readPublic }

    public var object: UInt32
    public init(object: UInt32) { self.object = object }

    public var handles: [UInt32] { [object] }
    public func serializeParameters(into writer: inout ByteWriter) {}

    public struct Response: TPM2ResponseBody, Equatable, Sendable {
        public static var handleCount: Int { 0 }
        public var outPublic: TPM2BPublic
        public var name: TPM2BName
        public var qualifiedName: TPM2BName
        public init(handles: [UInt32], parameters reader: inout ByteReader) throws(LoBotError) {
            outPublic = try TPM2BPublic.parse(from: &reader)
            name = try TPM2BName.parse(from: &reader)
            qualifiedName = try TPM2BName.parse(from: &reader)
        }
    }
}

public struct TPM2FlushContext: TPM2CommandBody, Equatable, Sendable {
    public typealias Response = TPM2EmptyResponse
    public static var commandCode: TPM2CommandCode { .flushContext }

    public var flushHandle: UInt32
    public init(_ handle: UInt32) { flushHandle = handle }

    public var handles: [UInt32] { [] }
    public func serializeParameters(into writer: inout ByteWriter) { writer.write(flushHandle) }
}

public struct TPM2EvictControl: TPM2CommandBody, Equatable, Sendable {
    public typealias Response = TPM2EmptyResponse
    public static var commandCode: TPM2CommandCode { .evictControl }

    public var auth: UInt32
    public var object: UInt32
    public var persistentHandle: UInt32

    public init(auth: UInt32, object: UInt32, persistentHandle: UInt32) {
        self.auth = auth
        self.object = object
        self.persistentHandle = persistentHandle
    }

    public var handles: [UInt32] { [auth, object] }
    public func serializeParameters(into writer: inout ByteWriter) { writer.write(persistentHandle) }
}
