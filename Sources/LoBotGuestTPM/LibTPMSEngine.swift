// LoBotGuestTPM: the engine behind every guest's TPM. It is libtpms (TPM 1.2 and TPM 2.0, the
// implementation swtpm, QEMU and libvirt users already run), behind this one small API; nothing
// else in LoBot calls libtpms. No socket, file or protocol here: the server that speaks qemu's
// TPM emulator protocol and makes the state durable drives an engine.
//
// One engine per process (libtpms keeps its TPM in global state), used from one thread:
//
//   init(family:) throws                          claims libtpms for a TPM 1.2 or a TPM 2.0
//   manufacture(banks:) throws -> GuestTPMBlobs   a new TPM, as swtpm_setup leaves one (Manufacture.swift)
//   start(_:resumingVolatile:) throws             _TPM_Init on a state: TPMLIB_MainInit
//   stop()                                        TPM2_Shutdown if the guest did not send it; TPMLIB_Terminate
//   process(_:locality:) -> [UInt8]               a command in, the TPM's response out, for any bytes
//   cancelCommand() throws                        TPMLIB_CancelCommand
//   takeStoredChanges() -> Bool                   whether libtpms stored NVRAM since the last call
//   state(includingVolatile:) throws -> GuestTPMBlobs   the state as stored (+ TPMLIB_VolatileAll_Store)
//   setBufferSize(_:) throws -> (size:, minimum:, maximum:)
//   establishedFlag() throws -> Bool;  resetEstablishedFlag(locality:) throws
//   run(_:locality:) throws -> C.Response         one of LoBot's own typed commands (Commands/)
//   allocatedBanks(), extend(pcr:digests:), extend(pcr:measuring:), readPCR(_:)   (PCRs.swift)
//
// Failures are `.guestTPM(operation:code:)`, keeping libtpms' TPM_RESULT or the command's
// response code; misuse (a call the TPM's state does not allow) is `.tpmRule` or `.invalidArgument`.
//
// Durability: the engine keeps the TPM's NVRAM in memory (LibTPMSCallbacks.swift). After any call
// that ran a command, `takeStoredChanges()` says whether libtpms stored NVRAM; the caller makes
// `state(includingVolatile: false)` durable before it hands the response to the guest, so nothing
// the guest was told is lost in a crash. A state starts a TPM only if it was manufactured:
// `start` refuses an empty permanent state rather than let libtpms quietly make a new TPM (new
// seeds, new endorsement key) in its place.
import LoBotCore

public final class LibTPMSEngine {
    public let family: GuestTPMFamily
    /// Between a successful `start` (or `manufacture`'s own) and `stop`.
    public private(set) var isRunning = false
    /// The largest command the running TPM takes (TPMLIB_SetBufferSize).
    public private(set) var bufferSize: UInt32
    /// The command code of the last command run, for the orderly shutdown in `stop`.
    private var lastCommandCode: UInt32? = nil
    /// The running TPM's PCR banks, once asked (PCRs.swift): a TPM's PCR allocation changes only
    /// at _TPM_Init (TPM2_PCR_Allocate takes effect at the next one), so it holds until `stop`.
    var banks: [DigestAlgorithm]? = nil

    /// Claims the process's libtpms for a TPM of `family`: initialises libcrypto as the agent
    /// does (libtpms' TPM 1.2 self-test needs SHA-1 and SHA-2 registered), chooses the family and
    /// registers LoBot's callbacks. Throws if another engine holds libtpms.
    public init(family: GuestTPMFamily) throws(LoBotError) {
        guard !LibTPMSProcess.claimed else { throw .tpmRule("libtpms already serves a TPM in this process") }
        try LibCrypto.initialize()
        try LibTPMS.choose(family)
        try LibTPMS.registerCallbacks()
        LibTPMSProcess.claimed = true
        LibTPMSProcess.nvram.wipeAll()
        LibTPMSProcess.locality = 0
        self.family = family
        bufferSize = LibTPMS.setBufferSize(0).size
    }

    deinit {
        stop()
        LibTPMSProcess.nvram.wipeAll()
        LibTPMSProcess.claimed = false
    }

    // MARK: life cycle

    /// _TPM_Init (TPMLIB_MainInit) on `state`: its permanent state and TPM 1.2's saved state; with
    /// `resumingVolatile`, its volatile state too, so the TPM goes on exactly where
    /// `state(includingVolatile: true)` left it (PCRs, sessions, loaded objects; no Startup). The
    /// volatile state is consumed: a later start does not see it again.
    public func start(_ state: GuestTPMBlobs, resumingVolatile: Bool) throws(LoBotError) {
        guard !isRunning else { throw .tpmRule("the guest TPM is already running") }
        guard state.family == family else {
            throw .invalidArgument("a TPM \(state.family.name) state cannot start a TPM \(family.name)")
        }
        guard !state.permanent.isEmpty else {
            throw .invalidArgument("a guest TPM starts only from a manufactured permanent state")
        }
        guard !resumingVolatile || !state.volatile.isEmpty else {
            throw .invalidArgument("the guest TPM state has no volatile state to resume")
        }
        try initialize(
            permanent: state.permanent, saveState: state.saveState.isEmpty ? nil : state.saveState,
            volatile: resumingVolatile ? state.volatile : nil)
    }

    /// TPMLIB_MainInit on these blobs (none: libtpms manufactures a new TPM).
    func initialize(permanent: [UInt8]?, saveState: [UInt8]?, volatile: [UInt8]?) throws(LoBotError) {
        LibTPMSProcess.nvram.wipeAll()
        LibTPMSProcess.nvram.permanent = permanent
        LibTPMSProcess.nvram.saveState = saveState
        LibTPMSProcess.nvram.volatile = volatile
        LibTPMSProcess.locality = 0
        do throws(LoBotError) {
            try LibTPMS.mainInit()
        } catch {
            LibTPMSProcess.nvram.wipeAll()
            throw error
        }
        // Resumed once: a later start must not find it (this is a use, not a store to report).
        LibTPMSProcess.nvram.remove(.volatile)
        isRunning = true
        lastCommandCode = nil
        banks = nil
        bufferSize = LibTPMS.setBufferSize(0).size
    }

    /// Powers the TPM off (TPMLIB_Terminate); its volatile state is lost, its NVRAM stays in the
    /// engine for `state`. A TPM 2.0 whose last command was not TPM2_Shutdown is first shut down
    /// as swtpm does: TPM2_Shutdown(STATE), which keeps what a Resume needs and does not stand in
    /// the way of the guest's next Startup(CLEAR), or if the TPM refuses that, TPM2_Shutdown(CLEAR);
    /// so a stop never counts as a disorderly shutdown against the guest's dictionary-attack
    /// lockout. A TPM that refuses both (never started, or in failure mode) has nothing to make
    /// orderly, and is terminated all the same.
    public func stop() {
        guard isRunning else { return }
        if family == .tpm20 && lastCommandCode != TPM2ShutdownCommand.commandCode {
            if (try? run(TPM2ShutdownCommand(.state))) == nil {
                _ = try? run(TPM2ShutdownCommand(.clear))
            }
        }
        LibTPMS.terminate()
        isRunning = false
        banks = nil
    }

    // MARK: commands

    /// Runs one command from `locality` (0-4) and returns the TPM's response, whatever the bytes
    /// were: libtpms judges the command; the engine itself answers, in the family's form, only what
    /// libtpms cannot be asked: a TPM that is not running (TPM_FAIL / TPM_RC_FAILURE), a locality
    /// above 4 (TPM_BAD_LOCALITY / TPM_RC_LOCALITY), a command longer than the buffer size
    /// (TPM_BAD_PARAM_SIZE / TPM_RC_COMMAND_SIZE, as swtpm never reads more than that), and a
    /// failure of libtpms itself (TPM_FAIL / TPM_RC_FAILURE).
    public func process(_ command: [UInt8], locality: UInt8) -> [UInt8] {
        guard isRunning else { return TPMErrorResponse.failure(family).bytes }
        guard locality <= 4 else { return TPMErrorResponse.locality(family).bytes }
        guard command.count <= Int(bufferSize) else { return TPMErrorResponse.commandSize(family).bytes }
        LibTPMSProcess.locality = UInt32(locality)
        if command.count >= TPMFrame.headerLength {
            lastCommandCode = UInt32(command[6]) << 24 | UInt32(command[7]) << 16 | UInt32(command[8]) << 8 | UInt32(command[9])
        }
        do throws(LoBotError) {
            return try LibTPMS.process(command)
        } catch {
            return TPMErrorResponse.failure(family).bytes
        }
    }

    /// Runs one of LoBot's own commands and parses its successful response; a response with a
    /// return code other than 0 is `.guestTPM(operation: "run NAME", code:)`.
    public func run<Command: TPMCommand>(_ command: Command, locality: UInt8 = 0) throws(LoBotError) -> Command.Response {
        guard isRunning else { throw .tpmRule("the guest TPM is not running") }
        let response = process(command.bytes, locality: locality)
        if let code = TPMFrame.returnCode(of: response), code != 0 {
            throw .guestTPM(operation: "run \(Command.commandName)", code: code)
        }
        return try Command.Response(bytes: response)
    }

    /// TPMLIB_CancelCommand. Commands run to their end in the calling thread, so there is never
    /// one in flight here; libtpms forgets the request when the next command starts.
    public func cancelCommand() throws(LoBotError) {
        guard isRunning else { throw .tpmRule("the guest TPM is not running") }
        try LibTPMS.cancelCommand()
    }

    // MARK: state

    /// Whether libtpms stored or deleted NVRAM (permanent, saved or volatile state) since the last
    /// call: then `state(includingVolatile: false)` has changed and must be made durable before
    /// the response of the command that changed it goes to the guest.
    public func takeStoredChanges() -> Bool {
        defer { LibTPMSProcess.nvram.changed = false }
        return LibTPMSProcess.nvram.changed
    }

    /// The TPM's state: its permanent and saved states as libtpms last stored them (running or
    /// stopped); with `includingVolatile`, the running TPM's volatile state too
    /// (TPMLIB_VolatileAll_Store), which `start(_:resumingVolatile: true)` resumes.
    public func state(includingVolatile: Bool) throws(LoBotError) -> GuestTPMBlobs {
        guard let permanent = LibTPMSProcess.nvram.permanent, !permanent.isEmpty else {
            throw .notFound("the guest TPM's permanent state")
        }
        var volatile: [UInt8] = []
        if includingVolatile {
            guard isRunning else { throw .tpmRule("the guest TPM is not running: it has no volatile state") }
            volatile = try LibTPMS.volatileState()
        }
        return GuestTPMBlobs(
            family: family, permanent: permanent, volatile: volatile, saveState: LibTPMSProcess.nvram.saveState ?? [])
    }

    // MARK: out of band

    /// TPMLIB_SetBufferSize: sets the largest command and response (`wanted` 0 only asks), only
    /// while the TPM is stopped (as qemu does); returns the size in use and the range allowed.
    public func setBufferSize(_ wanted: UInt32) throws(LoBotError) -> (size: UInt32, minimum: UInt32, maximum: UInt32) {
        guard wanted == 0 || !isRunning else { throw .tpmRule("the buffer size changes only while the guest TPM is stopped") }
        let sizes = LibTPMS.setBufferSize(wanted)
        bufferSize = sizes.size
        return sizes
    }

    /// The "established" flag (TPM_IO_TpmEstablished_Get): set by a dynamic launch.
    public func establishedFlag() throws(LoBotError) -> Bool {
        guard isRunning else { throw .tpmRule("the guest TPM is not running") }
        return try LibTPMS.establishedFlag()
    }

    /// Resets the established flag as a command from `locality` (TPM_IO_TpmEstablished_Reset);
    /// the TPM refuses (keeping its code) a locality below 3.
    public func resetEstablishedFlag(locality: UInt8) throws(LoBotError) {
        guard isRunning else { throw .tpmRule("the guest TPM is not running") }
        guard locality <= 4 else { throw .invalidArgument("locality \(locality) is not 0-4") }
        LibTPMSProcess.locality = UInt32(locality)
        try LibTPMS.resetEstablishedFlag()
    }
}
