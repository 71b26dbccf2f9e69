// The platform TPM's monotonic counter as a rollback counter. A TPM 1.2 lets one counter be
// incremented per boot, so each platform has exactly one LoBot counter, created once; its id and
// secret live in PLATFORM/counter (0600). The secret only authorises increments: someone who
// steals it can move the counter forward (and so lock vTPMs out), never back. The file ends with
// its SHA-256: a damaged secret would otherwise reach the TPM as a failed authorisation, and a
// few of those put the TPM into its dictionary-attack lockout (the tamper matrix saw it).
//
//   LoBot platform counter file:  BYTE magic[4] = "LBPC";  UINT8 version = 2;
//                                 UINT32 counterID;  BYTE secret[20];
//                                 BYTE checksum[32] (SHA-256 of the bytes before it)
import LoBotCore

public struct PlatformCounterFile: WireStructure, Equatable, Sendable {
    public static var wireName: String { "LoBot platform counter" }
    static let magic: [UInt8] = Array("LBPC".utf8)
    public let counterID: UInt32
    public let secret: [UInt8]
    public let checksum: [UInt8]

    public init(counterID: UInt32, secret: [UInt8]) throws(LoBotError) {
        self.counterID = counterID
        self.secret = secret
        checksum = try Digest.sha256(Self.prefix(counterID, secret))
    }

    static func prefix(_ counterID: UInt32, _ secret: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.write(magic)
        writer.write(UInt8(2))
        writer.write(counterID)
        writer.write(secret)
        return writer.bytes
    }

    public init(parsing reader: inout ByteReader) throws(LoBotError) {
        try reader.expect(Self.magic, field: "magic")
        try reader.expect([2], field: "version")
        counterID = try reader.readUInt32()
        secret = try reader.readBytes(20)
        let at = reader.offset
        checksum = try reader.readBytes(32)
        guard checksum == (try Digest.sha256(Self.prefix(counterID, secret))) else {
            throw reader.failure(.inconsistent("checksum: the file is damaged"), at: at)
        }
    }

    public func serialize(into writer: inout ByteWriter) {
        writer.write(Self.prefix(counterID, secret))
        writer.write(checksum)
    }
}

/// The platform TPM's monotonic counter: on a TPM 1.2 the one LoBot created (PLATFORM/counter holds
/// its id and the secret that authorises increments); on a TPM 2.0 the NV counter index
/// PlatformTPM2.counterIndex (owner authorisation, no dictionary-attack protection), defined and
/// first incremented the first time it is read.
public struct TPMCounter: RollbackCounter {
    enum Backing {
        case tpm12(PlatformTPM, PlatformCounterFile)
        case tpm20(PlatformTPM2)
    }

    let backing: Backing

    public var description: String {
        switch backing {
        case .tpm12(_, let file): return "platform TPM counter \(file.counterID)"
        case .tpm20: return "platform TPM 2.0 NV counter 0x\(Hex.string(UInt(PlatformTPM2.counterIndex)))"
        }
    }

    /// The platform's counter (on a TPM 1.2, from PLATFORM/counter).
    public init(tpm: PlatformRoot, directory: PlatformDirectory) throws(LoBotError) {
        switch tpm {
        case .tpm12(let tpm12):
            backing = .tpm12(tpm12, try PlatformCounterFile(bytes: try directory.read(directory.counterPath,
                                                                                       "platform counter (run lobot platform counter --create)")))
        case .tpm20(let tpm2): backing = .tpm20(tpm2)
        }
    }

    /// Creates the platform's counter in a TPM 1.2 (owner authorisation) and records it.
    public static func create(tpm: PlatformTPM, directory: PlatformDirectory) throws(LoBotError) -> CounterValue {
        guard !Files.exists(directory.counterPath) else { throw .alreadyExists("platform counter \(directory.counterPath)") }
        let secret = try SecureRandom.bytes(20)
        let value = try tpm.createCounter(label: Array("LBOT".utf8), secret: secret)
        try Files.makeDirectory(directory.path, permissions: 0o700, existingOK: true)
        try Files.writeAtomically(directory.counterPath, try PlatformCounterFile(counterID: value.id, secret: secret).bytes, permissions: 0o600)
        return value
    }

    public func read() throws(LoBotError) -> UInt64 {
        switch backing {
        case .tpm12(let tpm, let file): return UInt64(try tpm.readCounter(id: file.counterID).count)
        case .tpm20(let tpm):
            defer { tpm.disconnect() }
            return try tpm.counter(increment: false)
        }
    }

    public func increment() throws(LoBotError) -> UInt64 {
        switch backing {
        case .tpm12(let tpm, let file): return UInt64(try tpm.incrementCounter(id: file.counterID, secret: file.secret).count)
        case .tpm20(let tpm):
            defer { tpm.disconnect() }
            return try tpm.counter(increment: true)
        }
    }
}
