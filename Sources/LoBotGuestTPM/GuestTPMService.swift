// The rules of a guest TPM's server: what each request of qemu's TPM emulator protocol does to the
// TPM, when its state is written and checkpointed, when LoBot's launch measurements go in, and
// what a guest's command gets when the TPM cannot answer it. No socket or file here: the engine
// (LibTPMSEngine) and the store (GuestTPMPersistence: on a platform, GuestTPMStore) are handed
// in, and the server loop (lobot domain tpm-server) only moves bytes.
//
// The rules, in brief (swtpm's control channel semantics, with LoBot's persistence):
// - INIT powers the TPM on from the newest committed state. It resumes the volatile state only
//   when qemu first handed back, with SET_STATEBLOB, the reference of exactly the state held here
//   (an incoming migration); otherwise the TPM starts cold and LoBot's launch measurements go into
//   PCRs 8-9 right after the guest's first successful Startup(CLEAR).
// - Every command that changed the TPM's NVRAM is made durable before its answer goes back; if
//   that fails, the TPM is stopped and every later command gets a failure, never a lie.
// - A TPM that is stopped (STOP, a new INIT) is first shut down in order (LibTPMSEngine.stop), so
//   qemu's resets never count against the guest's dictionary-attack lockout.
// - GET_STATEBLOB (qemu saving the VM) checkpoints the whole state, volatile part included, and
//   gives qemu only a reference to it (GuestTPMReference); SET_STATEBLOB takes a reference back.
// - A checkpoint is also made when the TPM stops or shuts down, on STORE_VOLATILE, and while the
//   guest keeps writing NVRAM, at most once per checkpoint interval.
import LoBotCore

public final class GuestTPMService<Store: GuestTPMPersistence> {
    public let engine: LibTPMSEngine
    public let store: Store
    /// What LoBot measures at each cold start (one digest per bank it may find allocated).
    public let launch: [LaunchEvent]
    /// The newest state while the TPM is off (what INIT starts from).
    private var state: GuestTPMBlobs
    /// The locality qemu set for the commands that follow.
    public private(set) var locality: UInt8 = 0
    /// Set by a SET_STATEBLOB naming this very state: the next INIT resumes its volatile part.
    private var resumeArmed = false
    /// Set by a cold INIT: the next successful Startup(CLEAR) is followed by the launch measurements.
    private var measurePending = false
    /// Why the TPM no longer answers (its state could not be made durable), if it does not.
    public private(set) var failure: String? = nil
    /// When the last checkpoint was made (monotonic milliseconds).
    private var lastCheckpoint: Int
    public let checkpointInterval: Int

    /// The capabilities this server offers qemu (PTM_CAP_*): everything a TPM 1.2 or 2.0 needs,
    /// migration included; not the hashing of a dynamic launch, GET_INFO or LOCK_STORAGE.
    public static var capabilities: UInt32 {
        let initialize: UInt32 = 1, shutdown: UInt32 = 1 << 1, getEstablished: UInt32 = 1 << 2, setLocality: UInt32 = 1 << 3
        let cancel: UInt32 = 1 << 5, storeVolatile: UInt32 = 1 << 6, resetEstablished: UInt32 = 1 << 7
        let getStateBlob: UInt32 = 1 << 8, setStateBlob: UInt32 = 1 << 9, stop: UInt32 = 1 << 10, getConfig: UInt32 = 1 << 11
        let setDataFD: UInt32 = 1 << 12, setBufferSize: UInt32 = 1 << 13
        return initialize | shutdown | getEstablished | setLocality | cancel | storeVolatile | resetEstablished | getStateBlob
            | setStateBlob | stop | getConfig | setDataFD | setBufferSize
    }

    static var initDeleteVolatile: UInt32 { 1 }
    static var blobPermanent: UInt32 { 1 }
    static var stateFlagEncrypted: UInt32 { 2 }

    /// `state` is the newest committed state (GuestTPMStore.open's), already checkpointed.
    public init(engine: LibTPMSEngine, store: Store, state: GuestTPMBlobs, launch: [LaunchEvent], checkpointInterval: Int, now: Int) {
        self.engine = engine
        self.store = store
        self.state = state
        self.launch = launch
        self.checkpointInterval = checkpointInterval
        lastCheckpoint = now
    }

    // MARK: the control channel

    /// Answers one control request. `exit` tells the loop to end the server after the answer.
    public func control(_ request: EmulatorRequest, now: Int) -> (reply: EmulatorReply, exit: Bool) {
        switch request {
        case .getCapability:
            return (.capability(Self.capabilities), false)
        case .initialize(let flags):
            return (.result(initialize(flags: flags, now: now)), false)
        case .shutdown:
            powerOff(now: now)
            return (.result(EmulatorResult.success), true)
        case .getEstablished:
            guard engine.isRunning else { return (.established(result: EmulatorResult.badOrdinal, flag: false), false) }
            guard let flag = try? engine.establishedFlag() else { return (.established(result: EmulatorResult.fail, flag: false), false) }
            return (.established(result: EmulatorResult.success, flag: flag), false)
        case .setLocality(let value):
            guard value <= 4 else { return (.result(EmulatorResult.badLocality), false) }
            locality = value
            return (.result(EmulatorResult.success), false)
        case .cancelCommand:
            // Commands run to their end before the next request is read: nothing is ever in flight to cancel.
            return (.result(engine.isRunning ? EmulatorResult.success : EmulatorResult.badOrdinal), false)
        case .storeVolatile:
            guard engine.isRunning else { return (.result(EmulatorResult.badOrdinal), false) }
            return (.result(checkpoint(includingVolatile: true, now: now) ? EmulatorResult.success : EmulatorResult.ioError), false)
        case .resetEstablished(let value):
            guard engine.isRunning else { return (.result(EmulatorResult.badOrdinal), false) }
            guard value <= 4 else { return (.result(EmulatorResult.badLocality), false) }
            do throws(LoBotError) {
                try engine.resetEstablishedFlag(locality: value)
                return (.result(EmulatorResult.success), false)
            } catch {
                // The TPM's own refusal (a locality below 3) keeps its code.
                if case .guestTPM(_, let code) = error { return (.result(code), false) }
                return (.result(EmulatorResult.fail), false)
            }
        case .getStateBlob(_, let type, let offset):
            return (getStateBlob(type: type, offset: offset, now: now), false)
        case .setStateBlob(let flags, let type, let data):
            return (.result(setStateBlob(flags: flags, type: type, data: data)), false)
        case .stop:
            powerOff(now: now)
            return (.result(EmulatorResult.success), false)
        case .getConfig:
            return (.config(result: EmulatorResult.success, flags: 0), false)
        case .setDataFD:
            // The loop answers this one itself (it holds the descriptor); reaching here means a second one.
            return (.result(EmulatorResult.ioError), false)
        case .setBufferSize(let wanted):
            guard wanted == 0 || !engine.isRunning else {
                return (.bufferSize(result: EmulatorResult.badOrdinal, size: 0, minimum: 0, maximum: 0), false)
            }
            guard let sizes = try? engine.setBufferSize(wanted) else {
                return (.bufferSize(result: EmulatorResult.fail, size: 0, minimum: 0, maximum: 0), false)
            }
            return (.bufferSize(result: EmulatorResult.success, size: sizes.size, minimum: sizes.minimum, maximum: sizes.maximum), false)
        case .unsupported:
            return (.result(EmulatorResult.badOrdinal), false)
        }
    }

    private func initialize(flags: UInt32, now: Int) -> UInt32 {
        guard failure == nil else { return EmulatorResult.fail }
        powerOff(now: now)
        let resume = resumeArmed && flags & Self.initDeleteVolatile != 0 && !state.volatile.isEmpty
        resumeArmed = false
        var start = state
        if !resume { start.volatile = [] }
        do throws(LoBotError) {
            try engine.start(start, resumingVolatile: resume)
        } catch {
            return EmulatorResult.fail
        }
        // The volatile state was used once (or is not to be); it is never resumed again.
        state.volatile.removeAll()
        measurePending = !resume
        return EmulatorResult.success
    }

    public var family: GuestTPMFamily { engine.family }

    /// Stops a running TPM, keeping its state (the volatile part is lost, as in a power cut) and
    /// checkpointing what it wrote: at STOP, SHUTDOWN and INIT, and when qemu goes or the server is
    /// told to stop.
    public func powerOff(now: Int) {
        guard engine.isRunning else { return }
        engine.stop()
        if let stopped = try? engine.state(includingVolatile: false) { state = stopped }
        if engine.takeStoredChanges() { record() }
        if store.sequence > 0 { _ = commit(state, now: now) }
    }

    private func getStateBlob(type: UInt32, offset: UInt32, now: Int) -> EmulatorReply {
        guard engine.isRunning else { return .stateBlob(result: EmulatorResult.badOrdinal, flags: 0, data: []) }
        guard type == Self.blobPermanent else {
            // The volatile and saved states are inside the checkpoint the permanent blob names.
            return .stateBlob(result: type <= 3 ? EmulatorResult.success : EmulatorResult.fail, flags: 0, data: [])
        }
        guard checkpoint(includingVolatile: true, now: now),
            let digest = try? state.digest()
        else { return .stateBlob(result: EmulatorResult.fail, flags: 0, data: []) }
        let reference = GuestTPMReference(vtpmID: store.vtpmID, digest: digest).bytes
        let from = Int(min(offset, UInt32(reference.count)))
        return .stateBlob(result: EmulatorResult.success, flags: 0, data: Array(reference[from...]))
    }

    private func setStateBlob(flags: UInt32, type: UInt32, data: [UInt8]) -> UInt32 {
        guard !engine.isRunning else { return EmulatorResult.badOrdinal }
        guard flags & Self.stateFlagEncrypted == 0, type == Self.blobPermanent else {
            // LoBot never hands out a volatile, saved or encrypted blob, so it takes none back.
            return EmulatorResult.badParameter
        }
        guard let reference = try? GuestTPMReference(bytes: data), reference.vtpmID == store.vtpmID,
            let digest = try? state.digest(), reference.digest == digest, !state.volatile.isEmpty
        else {
            resumeArmed = false
            return EmulatorResult.fail
        }
        resumeArmed = true
        return EmulatorResult.success
    }

    // MARK: the data channel

    /// Answers one command from the guest.
    public func command(_ bytes: [UInt8], now: Int) -> [UInt8] {
        guard failure == nil, engine.isRunning else { return TPMErrorResponse.failure(engine.family).bytes }
        let startup = Self.startup(bytes, family: engine.family)
        let response = engine.process(bytes, locality: locality)
        if engine.takeStoredChanges() && !record() { return TPMErrorResponse.failure(engine.family).bytes }
        if let startup, TPMFrame.returnCode(of: response) == 0 {
            if measurePending && startup == .clear && !measure() { return TPMErrorResponse.failure(engine.family).bytes }
            measurePending = false
        }
        return response
    }

    enum Startup { case clear, state }

    /// The kind of startup `command` is, if it is a well-formed TPM_Startup / TPM2_Startup.
    static func startup(_ command: [UInt8], family: GuestTPMFamily) -> Startup? {
        switch family {
        case .tpm12:
            guard let parsed = try? TPM12StartupCommand(bytes: command) else { return nil }
            return parsed.startupType == .clear ? .clear : parsed.startupType == .state ? .state : nil
        case .tpm20:
            guard let parsed = try? TPM2StartupCommand(bytes: command) else { return nil }
            return parsed.startupType == .clear ? .clear : parsed.startupType == .state ? .state : nil
        }
    }

    /// The checkpoint the interval calls for, if the guest wrote since the last one.
    public func tick(now: Int) {
        guard failure == nil, store.sequence > 0, now - lastCheckpoint >= checkpointInterval else { return }
        _ = checkpoint(includingVolatile: false, now: now)
    }

    /// How long the loop may sleep before `tick` has something to do (nil: until something happens).
    public func nextTick(now: Int) -> Int? {
        guard failure == nil, store.sequence > 0 else { return nil }
        return max(0, lastCheckpoint + checkpointInterval - now)
    }

    // MARK: persistence

    /// Makes the engine's newest stored state durable; on failure the TPM stops answering.
    @discardableResult
    private func record() -> Bool {
        do throws(LoBotError) {
            try store.recordWrite(try engine.state(includingVolatile: false))
            return true
        } catch {
            fail("its state could not be written: \(error.message)")
            return false
        }
    }

    private func checkpoint(includingVolatile: Bool, now: Int) -> Bool {
        do throws(LoBotError) {
            state = try engine.state(includingVolatile: includingVolatile)
        } catch {
            fail("its state could not be read: \(error.message)")
            return false
        }
        return commit(state, now: now)
    }

    private func commit(_ state: GuestTPMBlobs, now: Int) -> Bool {
        do throws(LoBotError) {
            try store.checkpoint(state)
            lastCheckpoint = now
            checkpointError = nil
            return true
        } catch {
            // The live file still holds every write: only the checkpoint is late. Say so, and go on.
            checkpointError = error.message
            return false
        }
    }

    /// The last checkpoint that failed, and why (cleared by the next that succeeds).
    public private(set) var checkpointError: String? = nil

    private func measure() -> Bool {
        do throws(LoBotError) {
            let banks = try engine.allocatedBanks()
            for event in launch {
                var digests: [(algorithm: DigestAlgorithm, value: [UInt8])] = []
                for bank in banks {
                    guard let digest = event.digest(bank) else { throw LoBotError.tpmRule("no \(bank.name) measurement of PCR \(event.pcr)") }
                    digests.append((bank, digest))
                }
                try engine.extend(pcr: event.pcr, digests: digests)
            }
            return true
        } catch {
            fail("LoBot's launch measurements did not go in: \(error.message)")
            return false
        }
    }

    private func fail(_ reason: String) {
        failure = reason
        engine.stop()
    }
}
