// The master storage key (MSK): 256 bits that encrypt one vTPM's state. It lives in memory only
// inside this class, which overwrites it when released.

public final class MasterKey {
    public static let length = 32
    public private(set) var bytes: [UInt8]

    public init(bytes: [UInt8]) throws(LoBotError) {
        guard bytes.count == Self.length else {
            throw .invalidArgument("a master storage key is \(Self.length) bytes, not \(bytes.count)")
        }
        self.bytes = bytes
    }

    public static func generate() throws(LoBotError) -> MasterKey {
        try MasterKey(bytes: try SecureRandom.bytes(length))
    }

    deinit { wipe(&bytes) }
}
