// What the server of a guest's TPM needs from its TPM engine: start and stop it on a state, run
// a command, say when it stored NVRAM, hand out its state, and the few out-of-band operations qemu's
// TPM emulator protocol has (buffer size, established flag). LoBot's engine is libtpms
// (LoBotGuestTPM); the rules that drive it (GuestTPMService) are written against this, so they
// read apart from the C library and its global state.

public protocol GuestTPMEngine: AnyObject {
    var family: GuestTPMFamily { get }
    var isRunning: Bool { get }

    /// _TPM_Init on `state`: its permanent state (and TPM 1.2's saved state); with
    /// `resumingVolatile`, its volatile state too, so the TPM goes on exactly where it was stopped.
    func start(_ state: GuestTPMBlobs, resumingVolatile: Bool) throws(LoBotError)

    /// Powers the TPM off (its volatile state is lost); for a TPM 2.0 whose last command was not
    /// TPM2_Shutdown, first sends TPM2_Shutdown(TPM_SU_CLEAR), as a firmware would, so that the
    /// stop does not count as a disorderly shutdown against the guest's dictionary-attack lockout.
    func stop()

    /// Runs one command from `locality`; the answer is a TPM response, whatever the bytes were.
    func process(_ command: [UInt8], locality: UInt8) -> [UInt8]

    /// Whether the engine stored NVRAM (its permanent or saved state) since the last call.
    func takeStoredChanges() -> Bool

    /// The TPM's state now: the permanent and saved states as last stored; with
    /// `includingVolatile`, the volatile state of the running TPM too.
    func state(includingVolatile: Bool) throws(LoBotError) -> GuestTPMBlobs

    /// Sets (or with 0 only asks) the largest command and response; returns (in use, min, max).
    func setBufferSize(_ wanted: UInt32) -> (size: UInt32, minimum: UInt32, maximum: UInt32)

    /// The TPM's "established" flag (set by a dynamic launch), and its reset from `locality`;
    /// the reset answers a TPM result code.
    func establishedFlag() -> Bool
    func resetEstablishedFlag(locality: UInt8) -> UInt32

    /// The PCR banks the running TPM has allocated (TPM 1.2: SHA-1).
    func allocatedBanks() throws(LoBotError) -> [DigestAlgorithm]

    /// Extends `pcr` of every bank in `digests` (one digest per allocated bank), from locality 0.
    func extend(pcr: Int, digests: [(algorithm: DigestAlgorithm, value: [UInt8])]) throws(LoBotError)
}
