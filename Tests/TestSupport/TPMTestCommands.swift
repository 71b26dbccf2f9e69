// Raw TPM commands the tests and the bench send but LoBot itself never does (NV spaces, capabilities,
// PCR reset, PCR extend), laid out here from the specifications (TPM 1.2 Part 3; TPM 2.0 Part 3),
// so the guest TPM's tests can drive libtpms in process and a server over qemu's protocol alike.
import LoBotCore

/// A command frame: tag, size, code, body.
public func frame(tag: UInt16, code: UInt32, _ body: [UInt8]) -> [UInt8] {
    var writer = ByteWriter()
    writer.write(tag)
    writer.write(UInt32(10 + body.count))
    writer.write(code)
    writer.write(body)
    return writer.bytes
}

/// One password session with the empty password (authorizationSize 9, TPM_RS_PW).
public let emptyPasswordArea = hexBytes("00000009 40000009 0000 00 0000")

public enum TPM2TestCommands {
    public static let ownerHierarchy: UInt32 = 0x4000_0001

    /// TPM2_NV_DefineSpace (Part 3, 31.3) by the owner (empty auth): an ordinary index of `size`
    /// bytes, SHA-256 name, TPMA_NV_OWNERWRITE | OWNERREAD | AUTHWRITE | AUTHREAD, empty authValue.
    public static func nvDefineSpace(index: UInt32, size: UInt16) -> [UInt8] {
        var publicArea = ByteWriter()
        publicArea.write(index)
        publicArea.write(UInt16(0x000B))  // nameAlg TPM_ALG_SHA256
        publicArea.write(UInt32(0x0006_0006))  // attributes
        publicArea.write(UInt16(0))  // authPolicy
        publicArea.write(size)  // dataSize
        var body = ByteWriter()
        body.write(ownerHierarchy)
        body.write(emptyPasswordArea)
        body.write(UInt16(0))  // TPM2B_AUTH auth
        body.writeSized(publicArea.bytes, lengthWidth: 2)  // TPM2B_NV_PUBLIC
        return frame(tag: 0x8002, code: 0x12A, body.bytes)
    }

    /// TPM2_NV_Write (Part 3, 31.7) by the owner at offset 0.
    public static func nvWrite(index: UInt32, _ data: [UInt8]) -> [UInt8] {
        var body = ByteWriter()
        body.write(ownerHierarchy)
        body.write(index)
        body.write(emptyPasswordArea)
        body.writeSized(data, lengthWidth: 2)
        body.write(UInt16(0))  // offset
        return frame(tag: 0x8002, code: 0x137, body.bytes)
    }

    /// TPM2_NV_Read (Part 3, 31.13) by the owner, `size` bytes at offset 0.
    public static func nvRead(index: UInt32, size: UInt16) -> [UInt8] {
        var body = ByteWriter()
        body.write(ownerHierarchy)
        body.write(index)
        body.write(emptyPasswordArea)
        body.write(size)
        body.write(UInt16(0))
        return frame(tag: 0x8002, code: 0x14E, body.bytes)
    }

    /// The data of a successful TPM2_NV_Read response: header, parameterSize, TPM2B_MAX_NV_BUFFER, auth.
    public static func nvReadData(_ response: [UInt8]) throws -> [UInt8] {
        var reader = ByteReader(response)
        _ = try reader.readBytes(10)
        _ = try reader.readUInt32()
        return try reader.readSized(lengthWidth: 2, maximum: 2048, field: "data")
    }

    /// TPM2_PCR_Reset (Part 3, 22.3) of `pcr`, empty auth.
    public static func pcrReset(_ pcr: UInt32) -> [UInt8] {
        var body = ByteWriter()
        body.write(pcr)
        body.write(emptyPasswordArea)
        return frame(tag: 0x8002, code: 0x13D, body.bytes)
    }
}

public enum TPM12TestCommands {
    /// TPM_ReadPubek (Part 3, 14.4): the EK's public key, readable while there is no owner.
    public static func readPubek(_ antiReplay: [UInt8]) -> [UInt8] { frame(tag: 0x00C1, code: 0x7C, antiReplay) }

    /// The TPM_PUBKEY of a successful TPM_ReadPubek response.
    public static func pubek(_ response: [UInt8]) throws -> PubKey {
        var reader = ByteReader(response)
        _ = try reader.readBytes(10)
        return try PubKey.parse(from: &reader)
    }

    /// TPM_GetCapability (Part 3, 7.1) without authorisation.
    public static func getCapability(_ area: UInt32, _ subCap: [UInt8]) -> [UInt8] {
        var body = ByteWriter()
        body.write(area)
        body.writeSized(subCap, lengthWidth: 4)
        return frame(tag: 0x00C1, code: 0x65, body.bytes)
    }

    /// The response's resp bytes (UINT32 respSize; BYTE resp[respSize]).
    public static func capabilityData(_ response: [UInt8]) throws -> [UInt8] {
        var reader = ByteReader(response)
        _ = try reader.readBytes(10)
        return try reader.readSized(lengthWidth: 4, maximum: 4096, field: "respSize")
    }

    /// TPM_NV_DefineSpace (Part 3, 20.1) without authorisation (allowed while nvLocked is FALSE,
    /// as on a TPM nobody locked): an index of `size` bytes, owner read and write, no PCR
    /// condition, any locality.
    public static func nvDefineSpace(index: UInt32, size: UInt32) -> [UInt8] {
        var pcrInfoShort = ByteWriter()
        pcrInfoShort.write(hexBytes("0003 000000 1f"))  // TPM_PCR_SELECTION (none), localityAtRelease all
        pcrInfoShort.write([UInt8](repeating: 0, count: 20))  // digestAtRelease
        var body = ByteWriter()
        body.write(UInt16(0x0018))  // TPM_TAG_NV_DATA_PUBLIC
        body.write(index)
        body.write(pcrInfoShort.bytes)  // pcrInfoRead
        body.write(pcrInfoShort.bytes)  // pcrInfoWrite
        body.write(UInt16(0x0017))  // TPM_TAG_NV_ATTRIBUTES
        body.write(UInt32(0x0002_0002))  // TPM_NV_PER_OWNERREAD | TPM_NV_PER_OWNERWRITE
        body.write(hexBytes("00 00 00"))  // bReadSTClear, bWriteSTClear, bWriteDefine
        body.write(size)
        body.write([UInt8](repeating: 0, count: 20))  // encAuth
        return frame(tag: 0x00C1, code: 0xCC, body.bytes)
    }

    /// TPM_NV_WriteValue (Part 3, 20.2) without authorisation, at offset 0.
    public static func nvWriteValue(index: UInt32, _ data: [UInt8]) -> [UInt8] {
        var body = ByteWriter()
        body.write(index)
        body.write(UInt32(0))
        body.writeSized(data, lengthWidth: 4)
        return frame(tag: 0x00C1, code: 0xCD, body.bytes)
    }

    /// TPM_NV_ReadValue (Part 3, 20.4) without authorisation, `size` bytes at offset 0.
    public static func nvReadValue(index: UInt32, size: UInt32) -> [UInt8] {
        var body = ByteWriter()
        body.write(index)
        body.write(UInt32(0))
        body.write(size)
        return frame(tag: 0x00C1, code: 0xCF, body.bytes)
    }

    /// The data of a successful TPM_NV_ReadValue response.
    public static func nvReadData(_ response: [UInt8]) throws -> [UInt8] {
        var reader = ByteReader(response)
        _ = try reader.readBytes(10)
        return try reader.readSized(lengthWidth: 4, maximum: 4096, field: "dataSize")
    }

    /// TPM_PCR_Reset (Part 3, 16.4) of one PCR.
    public static func pcrReset(_ pcr: Int) -> [UInt8] {
        var select = [UInt8](repeating: 0, count: 3)
        select[pcr / 8] |= UInt8(1) << UInt8(pcr % 8)
        return frame(tag: 0x00C1, code: 0xC8, hexBytes("0003") + select)
    }
}

extension TPM2TestCommands {
    /// TPM2_Startup(TPM_SU_CLEAR) (Part 3, 9.3), as a guest's firmware sends it.
    public static let startupClear = hexBytes("80010000000c00000144 0000")

    /// TPM2_PCR_Extend (Part 3, 22.2) of `pcr` with one digest per bank, empty auth.
    public static func pcrExtend(_ pcr: UInt32, _ digests: [(algorithm: UInt16, value: [UInt8])]) -> [UInt8] {
        var body = ByteWriter()
        body.write(pcr)
        body.write(emptyPasswordArea)
        body.write(UInt32(digests.count))
        for digest in digests {
            body.write(digest.algorithm)
            body.write(digest.value)
        }
        return frame(tag: 0x8002, code: 0x182, body.bytes)
    }
}

extension TPM12TestCommands {
    /// TPM_Startup(ST_CLEAR) (Part 3, 3.2).
    public static let startupClear = hexBytes("00c10000000c00000099 0001")

    /// TPM_Extend (Part 3, 16.1) of `pcr` with a SHA-1 digest.
    public static func extend(_ pcr: UInt32, _ digest: [UInt8]) -> [UInt8] {
        var body = ByteWriter()
        body.write(pcr)
        body.write(digest)
        return frame(tag: 0x00C1, code: 0x14, body.bytes)
    }
}
