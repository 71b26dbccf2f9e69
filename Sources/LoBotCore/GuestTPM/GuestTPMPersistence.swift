// Where the server of a guest's TPM makes its state durable: a live write after each NVRAM change
// (before the guest is answered), and a checkpoint that the platform TPM's counter anchors. On a
// platform that is GuestTPMStore (LoBotPlatform); the rules in GuestTPMService only call these.

public protocol GuestTPMPersistence: AnyObject {
    /// The LoBot whose guest TPM this is (named in the reference a migration stream carries).
    var vtpmID: [UInt8] { get }
    /// Live writes since the last checkpoint.
    var sequence: UInt64 { get }
    func recordWrite(_ state: GuestTPMBlobs) throws(LoBotError)
    func checkpoint(_ state: GuestTPMBlobs) throws(LoBotError)
}
