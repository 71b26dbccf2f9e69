// TPM 1.2 monotonic counters. TrouSerS 0.3.15 has no Tspi_ call to create or increment one, so
// LoBot drives libtspi's exported TCS stubs and computes the OSAP/OIAP authorisation itself
// (TPM Main Part 1, 11.1-11.2; Part 3, 25):
//
//   CreateCounter (OSAP on the owner): shared = HMAC(ownerAuth, nonceEvenOSAP || nonceOddOSAP);
//     encAuth = counterAuth XOR SHA1(shared || nonceEven);
//     paramDigest = SHA1(ordinal || encAuth || label); authHMAC = HMAC(shared, paramDigest ||
//     nonceEven || nonceOdd || continue)
//   IncrementCounter (OIAP, counter secret): paramDigest = SHA1(ordinal || countID)
//
// The TPM's response HMAC is checked too, so a tcsd in the middle cannot forge a count.
import CTSPI
import LoBotCore

public struct CounterValue: Equatable, Sendable {
    public let id: UInt32
    public let label: [UInt8]
    public let count: UInt32
}

extension PlatformTPM {
    static let ordinalCreateCounter: UInt32 = 0x0000_00DC
    static let ordinalIncrementCounter: UInt32 = 0x0000_00DD

    /// Creates a counter with a 4-byte label and a 20-byte secret (owner authorisation).
    public func createCounter(label: [UInt8], secret: [UInt8]) throws(LoBotError) -> CounterValue {
        guard label.count == 4, secret.count == 20 else { throw .invalidArgument("a counter has a 4-byte label and a 20-byte secret") }
        var auth = TPM_AUTH()
        var oddOSAP = TPM_NONCE()
        var evenOSAP = TPM_NONCE()
        oddOSAP.nonce = try Self.nonceTuple()
        try tss(RPC_OSAP(context.handle, LOBOT_ET_OWNER, LOBOT_KH_OWNER, &oddOSAP, &auth.AuthHandle,
                         &auth.NonceEven, &evenOSAP), "open an OSAP session")
        let shared = try HMAC.authenticate(Self.bytes(evenOSAP.nonce) + Self.bytes(oddOSAP.nonce), key: ownerSecret, algorithm: .sha1)
        let pad = try Digest.sha1(shared + Self.bytes(auth.NonceEven.nonce))
        let encrypted = zip(secret, pad).map { $0 ^ $1 }
        var encAuth = TPM_ENCAUTH()
        encAuth.authdata = Self.tuple(encrypted)
        var writer = ByteWriter()
        writer.write(Self.ordinalCreateCounter)
        writer.write(encrypted)
        writer.write(label)
        auth.NonceOdd.nonce = try Self.nonceTuple()
        auth.fContinueAuthSession = 0
        auth.HMAC.authdata = Self.tuple(try Self.authHMAC(shared, paramDigest: try Digest.sha1(writer.bytes), auth))
        var id: TSS_COUNTER_ID = 0
        var value = TPM_COUNTER_VALUE()
        var labelCopy = label
        let rc = labelCopy.withUnsafeMutableBufferPointer {
            RPC_CreateCounter(context.handle, 4, $0.baseAddress, encAuth, &auth, &id, &value)
        }
        try tss(rc, "create a monotonic counter")
        var response = ByteWriter()
        response.write(UInt32(0))
        response.write(Self.ordinalCreateCounter)
        response.write(UInt32(id))
        Self.serialize(value, into: &response)
        try Self.checkResponse(shared, response.bytes, auth)
        return CounterValue(id: id, label: Self.bytes(value.label), count: value.counter)
    }

    /// Increments counter `id` (the counter's secret authorises it); returns the new value.
    public func incrementCounter(id: UInt32, secret: [UInt8]) throws(LoBotError) -> CounterValue {
        var auth = TPM_AUTH()
        try tss(RPC_OIAP(context.handle, &auth.AuthHandle, &auth.NonceEven), "open an OIAP session")
        var writer = ByteWriter()
        writer.write(Self.ordinalIncrementCounter)
        writer.write(id)
        auth.NonceOdd.nonce = try Self.nonceTuple()
        auth.fContinueAuthSession = 0
        auth.HMAC.authdata = Self.tuple(try Self.authHMAC(secret, paramDigest: try Digest.sha1(writer.bytes), auth))
        var value = TPM_COUNTER_VALUE()
        let rc = RPC_IncrementCounter(context.handle, id, &auth, &value)
        // TPM_BAD_COUNTER for a counter that exists: TPM 1.2 allows one counter to move per boot.
        if rc == 0x45, (try? readCounter(id: id)) != nil {
            throw .tpmRule("cannot increment platform TPM counter \(id): another monotonic counter was incremented since this TPM started (TPM 1.2 allows one per boot); restart the platform")
        }
        try tss(rc, "increment monotonic counter \(id)")
        var response = ByteWriter()
        response.write(UInt32(0))
        response.write(Self.ordinalIncrementCounter)
        Self.serialize(value, into: &response)
        try Self.checkResponse(secret, response.bytes, auth)
        return CounterValue(id: id, label: Self.bytes(value.label), count: value.counter)
    }

    /// Reads counter `id` (no authorisation).
    public func readCounter(id: UInt32) throws(LoBotError) -> CounterValue {
        var value = TPM_COUNTER_VALUE()
        try tss(RPC_ReadCounter(context.handle, id, &value), "read monotonic counter \(id)")
        return CounterValue(id: id, label: Self.bytes(value.label), count: value.counter)
    }

    static func authHMAC(_ key: [UInt8], paramDigest: [UInt8], _ auth: TPM_AUTH) throws(LoBotError) -> [UInt8] {
        try HMAC.authenticate(
            paramDigest + bytes(auth.NonceEven.nonce) + bytes(auth.NonceOdd.nonce) + [UInt8(bitPattern: auth.fContinueAuthSession)],
            key: key, algorithm: .sha1)
    }

    static func checkResponse(_ key: [UInt8], _ response: [UInt8], _ auth: TPM_AUTH) throws(LoBotError) {
        let expected = try authHMAC(key, paramDigest: try Digest.sha1(response), auth)
        guard expected == bytes(auth.HMAC.authdata) else { throw .authentication(what: "the TPM's counter response") }
    }

    static func serialize(_ value: TPM_COUNTER_VALUE, into writer: inout ByteWriter) {
        writer.write(value.tag)
        writer.write(bytes(value.label))
        writer.write(value.counter)
    }

    typealias Tuple20 = (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                         UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)

    static func nonceTuple() throws(LoBotError) -> Tuple20 { tuple(try SecureRandom.bytes(20)) }

    static func tuple(_ b: [UInt8]) -> Tuple20 {
        (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15], b[16], b[17], b[18], b[19])
    }

    static func bytes<T>(_ tuple: T) -> [UInt8] {
        withUnsafeBytes(of: tuple) { Array($0) }
    }
}
