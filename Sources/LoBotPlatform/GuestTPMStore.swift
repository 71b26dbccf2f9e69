// Where a domain's guest TPM keeps its state on this platform: checkpoints inside its LoBot's
// vTPM state (so the platform TPM's counter anchors them, and LSM carries, adopts and retires them
// with the LoBot), and, between checkpoints, the live file of the current epoch. The server of the
// guest's TPM holds one of these for its life; it has the LoBot's MSK in memory only.
//
// How commits relate to counter increments: every guest command that changes the TPM's NVRAM is
// written to the live file (atomically, fsynced) before the guest gets its answer -- no counter
// move. A checkpoint -- one LoBot state commit, so one move of the platform TPM's counter -- is
// made when the server starts, when qemu asks for the state (a migration), at the interval the
// server is given while the guest keeps writing, and when the server stops. So a guest that
// writes NV in a loop moves the counter at most once per interval, whatever it does.
import LoBotCore

public final class GuestTPMStore: GuestTPMPersistence {
    public let lobot: VTPMDirectory
    public let platform: PlatformDirectory
    public let tpm: PlatformRoot
    private let msk: MasterKey
    public let vtpmID: [UInt8]
    public let live: GuestTPMLiveFile
    /// The current checkpoint's epoch (0 before the first).
    public private(set) var epoch: UInt64
    /// Live writes since that checkpoint.
    public private(set) var sequence: UInt64 = 0
    /// When the lock on the LoBot's state is held by another process (a `domain status`, an LSM
    /// step reading it), a checkpoint waits this long for it.
    public static let lockPatience = 15_000  // milliseconds

    public static func livePath(_ lobot: VTPMDirectory) -> String { Files.join(lobot.path, "guest-tpm.live") }

    /// Opens the store of the guest TPM of the LoBot in `lobot`, and returns with it the newest
    /// state: the live file's when it belongs to the checkpoint, else the checkpoint's; nil when
    /// the guest TPM was never started.
    public static func open(lobot: VTPMDirectory, platform: PlatformDirectory, tpm: PlatformRoot) throws(LoBotError)
        -> (GuestTPMStore, GuestTPMBlobs?)
    {
        let msk = try lobot.masterKey(platform, tpm: tpm)
        let session = try lobot.open(platform, tpm: tpm, msk: msk)
        let checkpoint = session.vtpm.guestTPM
        let id = session.vtpm.id
        _ = consume session
        let store = GuestTPMStore(lobot: lobot, platform: platform, tpm: tpm, msk: msk, vtpmID: id, epoch: checkpoint?.epoch ?? 0)
        guard let checkpoint else {
            // No checkpoint: any live file is not this guest TPM's (it never ran).
            try store.live.remove()
            return (store, nil)
        }
        if let newer = try store.live.read(epoch: checkpoint.epoch, msk: msk) {
            store.sequence = newer.sequence
            return (store, newer.blobs)
        }
        return (store, checkpoint.blobs)
    }

    private init(lobot: VTPMDirectory, platform: PlatformDirectory, tpm: PlatformRoot, msk: MasterKey, vtpmID: [UInt8], epoch: UInt64) {
        self.lobot = lobot
        self.platform = platform
        self.tpm = tpm
        self.msk = msk
        self.vtpmID = vtpmID
        self.epoch = epoch
        live = GuestTPMLiveFile(path: Self.livePath(lobot), vtpmID: vtpmID)
    }

    /// Makes `blobs` durable as the guest's latest NVRAM change (the live file's next write).
    public func recordWrite(_ blobs: GuestTPMBlobs) throws(LoBotError) {
        guard epoch > 0 else { throw .invalidArgument("the guest TPM has no checkpoint to write after") }
        try live.write(GuestTPMLiveState(sequence: sequence + 1, blobs: blobs), epoch: epoch, msk: msk)
        sequence += 1
    }

    /// Commits `blobs` as the next checkpoint into the LoBot's state (one move of the platform
    /// TPM's counter), after which no live file of an earlier epoch is read again.
    public func checkpoint(_ blobs: GuestTPMBlobs) throws(LoBotError) {
        var session = try openPatiently()
        let next = (session.vtpm.guestTPM?.epoch ?? 0) &+ 1
        session.vtpm.checkpointGuestTPM(GuestTPMCheckpoint(epoch: next, blobs: blobs))
        try session.commit()
        _ = consume session
        epoch = next
        sequence = 0
        try live.remove()
    }

    /// The LoBot's state, opened with the MSK this store holds, waiting for a lock another
    /// process holds for a moment.
    private func openPatiently() throws(LoBotError) -> VTPMSession<StoredVersionCounter> {
        let deadline = monotonicMilliseconds() + Self.lockPatience
        while true {
            do throws(LoBotError) {
                return try lobot.open(platform, tpm: tpm, msk: msk)
            } catch {
                guard case .inUse = error, monotonicMilliseconds() < deadline else { throw error }
            }
        }
    }
}
