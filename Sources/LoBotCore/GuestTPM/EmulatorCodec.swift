// Between the control channel's bytes and the guest TPM server's requests and replies: a request is
// decoded once all of its bytes are there (the command word says how many; SET_STATEBLOB's header
// adds its body's length, capped before anything is read), a reply is encoded as its response
// part. Big-endian, as swtpm's tpm_ioctl.h says of the socket interface.
//
//   request:  UINT32 command;  the command's request part (fixed size per command; SET_STATEBLOB:
//             UINT32 flags; UINT32 type; UINT32 length; BYTE data[length])
//
// One irregularity, from the C structures both ends were written against: SET_LOCALITY's and
// RESET_TPMESTABLISHED's request is one byte (the locality), but qemu sends the whole union it
// sits in -- 4 bytes, 3 of them padding (for RESET_TPMESTABLISHED not even zeroed) -- while
// tpm2-tss' swtpm TCTI sends the one byte. Every client waits for the answer before it sends
// again, so the bytes that arrived with the request are the request: up to 3 more are its padding.
//   reply:    the command's response part, starting with its UINT32 result

public enum EmulatorCodec {
    /// The largest state blob taken from qemu (LoBot only ever takes back its 53-byte reference).
    public static let maximumBlob = 1 << 20

    /// The request at the front of `buffer` and how many bytes it took, or nil when more bytes are
    /// needed. Throws when the stream cannot be read on: a command this protocol does not have, or
    /// a blob longer than the limit.
    public static func decode(_ buffer: [UInt8]) throws(LoBotError) -> (request: EmulatorRequest, consumed: Int)? {
        var reader = ByteReader(buffer, structure: "TPM emulator control request")
        guard buffer.count >= 4 else { return nil }
        let code = try reader.readUInt32()
        func body(_ count: Int) -> Bool { reader.remaining >= count }
        switch code {
        case 0x01: return (.getCapability, 4)
        case 0x02:
            guard body(4) else { return nil }
            return (.initialize(flags: try reader.readUInt32()), 8)
        case 0x03: return (.shutdown, 4)
        case 0x04: return (.getEstablished, 4)
        case 0x05:
            guard body(1) else { return nil }
            return (.setLocality(try reader.readUInt8()), min(buffer.count, 8))
        case 0x06, 0x08: return (.unsupported(code: code), 4)  // HASH_START, HASH_END
        case 0x07:  // HASH_DATA: UINT32 length; BYTE data[4096] (the whole buffer goes, whatever length says)
            guard body(4 + 4096) else { return nil }
            return (.unsupported(code: code), 4 + 4 + 4096)
        case 0x09: return (.cancelCommand, 4)
        case 0x0A: return (.storeVolatile, 4)
        case 0x0B:
            guard body(1) else { return nil }
            return (.resetEstablished(locality: try reader.readUInt8()), min(buffer.count, 8))
        case 0x0C:
            guard body(12) else { return nil }
            return (.getStateBlob(flags: try reader.readUInt32(), type: try reader.readUInt32(), offset: try reader.readUInt32()), 16)
        case 0x0D:
            guard body(12) else { return nil }
            let flags = try reader.readUInt32()
            let type = try reader.readUInt32()
            let lengthAt = reader.offset
            let length = try reader.readUInt32()
            guard length <= UInt32(maximumBlob) else {
                throw reader.failure(.lengthTooLarge(field: "length", value: UInt64(length), maximum: UInt64(maximumBlob)), at: lengthAt)
            }
            guard body(Int(length)) else { return nil }
            return (.setStateBlob(flags: flags, type: type, data: try reader.readBytes(Int(length))), 16 + Int(length))
        case 0x0E: return (.stop, 4)
        case 0x0F: return (.getConfig, 4)
        case 0x10: return (.setDataFD, 4)
        case 0x11:
            guard body(4) else { return nil }
            return (.setBufferSize(try reader.readUInt32()), 8)
        case 0x12:  // GET_INFO: UINT64 flags; UINT32 offset; UINT32 pad
            guard body(16) else { return nil }
            return (.unsupported(code: code), 20)
        case 0x13:  // LOCK_STORAGE: UINT32 retries
            guard body(4) else { return nil }
            return (.unsupported(code: code), 8)
        default:
            throw reader.failure(.unexpectedValue(field: "command", value: UInt64(code)), at: 0)
        }
    }

    /// The response part of `reply`.
    public static func encode(_ reply: EmulatorReply) -> [UInt8] {
        var writer = ByteWriter()
        switch reply {
        case .result(let result):
            writer.write(result)
        case .capability(let caps):
            // ptm_cap_n: the result, then the capabilities (qemu reads both as one 64-bit value).
            writer.write(UInt32(0))
            writer.write(caps)
        case .established(let result, let flag):
            writer.write(result)
            writer.write([flag ? 1 : 0, 0, 0, 0])
        case .stateBlob(let result, let flags, let data):
            writer.write(result)
            writer.write(flags)
            writer.write(UInt32(data.count))  // totlength
            writer.write(UInt32(data.count))  // length: all of it in this answer
            writer.write(data)
        case .config(let result, let flags):
            writer.write(result)
            writer.write(flags)
        case .bufferSize(let result, let size, let minimum, let maximum):
            writer.write(result)
            writer.write(size)
            writer.write(minimum)
            writer.write(maximum)
        }
        return writer.bytes
    }
}
