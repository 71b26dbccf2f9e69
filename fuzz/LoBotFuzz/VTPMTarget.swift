// The files a platform keeps for its vTPMs: the encrypted state file (and its plaintext, as it
// reads once decrypted), sealed blobs, the rollback counter file, the platform's version table
// and TPM counter record, and master keys as read from disk; and its guests' TPMs: their state
// blobs, the checkpoint inside a LoBot's state, the live file's plaintext, and the reference a
// qemu migration stream hands back (SET_STATEBLOB: bytes from qemu).
import LoBotCore
import LoBotPlatform

enum VTPMTarget {
    static let count = 11

    static func run(_ bytes: [UInt8]) {
        guard let input = Selected(bytes, count: count) else { return }
        let data = input.rest
        switch input.index {
        case 0:
            if let file = roundTrip(StateFile.self, data) { openState(file, data) }
        case 1:
            if var state = roundTrip(VTPMState.self, data) {
                _ = attempt("replay") { () throws(LoBotError) in try state.log.replay() }
                state.wipeKeys()
            }
        case 2: roundTrip(SealedBlob.self, data)
        case 3: roundTrip(CounterFile.self, data)
        case 4:
            if let table = roundTrip(VersionTable.self, data), let first = table.entries.first {
                guard table.version(of: first.id) == first.version else { violation("version table: first entry not found") }
            }
        case 5: roundTrip(PlatformCounterFile.self, data)
        case 6:
            if let key = attempt("MSK", { () throws(LoBotError) in try MasterKey(bytes: data) }) {
                guard key.bytes == data else { violation("master key: bytes changed") }
            }
        case 7:
            if let blobs = roundTrip(GuestTPMBlobs.self, data) {
                guard !blobs.permanent.isEmpty else { violation("guest TPM state: accepted without a permanent state") }
                _ = attempt("digest") { () throws(LoBotError) in try blobs.digest() }
            }
        case 8: roundTrip(GuestTPMCheckpoint.self, data)
        case 9:
            if let live = roundTrip(GuestTPMLiveState.self, data), live.sequence == 0 { violation("guest TPM live state: sequence 0 accepted") }
        default:
            roundTrip(GuestTPMReference.self, data)
        }
    }

    /// Opens a state file under the fixed key (the corpus' files are sealed under it): an accepted
    /// file must be exactly the AES-256-GCM sealing of its plaintext under its own header.
    static func openState(_ file: StateFile, _ data: [UInt8]) {
        guard let key = attempt("MSK", { () throws(LoBotError) in try MasterKey(bytes: Fixtures.streamKey) }) else { return }
        guard let plain = attempt("open", { () throws(LoBotError) in try file.open(key: key, path: "fuzz") }) else { return }
        let header = Array(data.prefix(43))
        guard let sealed = attempt("seal", { () throws(LoBotError) in
            try AESGCM.seal(plain, key: Fixtures.streamKey, nonce: file.nonce, aad: header)
        }), sealed.ciphertext == file.ciphertext, sealed.tag == file.tag else {
            violation("LoBot state file: opened, but is not the sealing of its plaintext")
        }
        switch file.kind {
        case .vtpmState: roundTrip(VTPMState.self, plain)
        case .versionStore: roundTrip(VersionTable.self, plain)
        case .guestTPMLive: roundTrip(GuestTPMLiveState.self, plain)
        }
    }
}
