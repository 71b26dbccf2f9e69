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
    /// What LoBot measures at each cold start (in each bank it finds allocated).
    public let launch: LaunchEvents
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
    public static var capabilities: ControlCapabilities {
        ControlCapabilities.qemuMinimumTPM2.union(ControlCapabilities.qemuMigration).union([.cancel, .storeVolatile, .getConfig])
    }

    /// `state` is the newest committed state (GuestTPMStore.open's), already checkpointed.
    public init(engine: LibTPMSEngine, store: Store, state: GuestTPMBlobs, launch: LaunchEvents, checkpointInterval: Int, now: Int) {
        self.engine = engine
        self.store = store
        self.state = state
        self.launch = launch
        self.checkpointInterval = checkpointInterval
        lastCheckpoint = now
    }

    // MARK: the control channel

    /// Answers one control request. `exit` tells the loop to end the server after the answer.
    public func control(_ request: ControlRequest, now: Int) -> (reply: ControlReply, exit: Bool) {
        let running = engine.isRunning
        func refuse(_ result: ControlResult) -> (reply: ControlReply, exit: Bool) { (.refusal(result, to: request), false) }
        func done(_ result: ControlResult) -> (reply: ControlReply, exit: Bool) { (.result(ResultResponse(result)), false) }
        switch request {
        case .getCapability:
            return (.capability(CapabilityResponse(capabilities: Self.capabilities)), false)
        case .initialize(let body):
            return done(initialize(flags: body.flags, now: now))
        case .shutdown:
            powerOff(now: now)
            return (.result(ResultResponse(.success)), true)
        case .getEstablished:
            guard running else { return refuse(.badOrdinal) }
            guard let flag = try? engine.establishedFlag() else { return refuse(.fail) }
            return (.established(EstablishedResponse(established: flag)), false)
        case .setLocality(let body):
            guard body.locality <= 4 else { return refuse(.badLocality) }
            locality = body.locality
            return done(.success)
        case .cancel:
            // Commands run to their end before the next request is read: nothing is ever in flight to cancel.
            return done(running ? .success : .badOrdinal)
        case .storeVolatile:
            guard running else { return refuse(.badOrdinal) }
            return done(checkpoint(includingVolatile: true, now: now) ? .success : .ioError)
        case .resetEstablished(let body):
            guard running else { return refuse(.badOrdinal) }
            guard body.locality <= 4 else { return refuse(.badLocality) }
            do throws(LoBotError) {
                try engine.resetEstablishedFlag(locality: body.locality)
                return done(.success)
            } catch {
                // The TPM's own refusal (a locality below 3) keeps its code.
                if case .guestTPM(_, let code) = error { return done(ControlResult(rawValue: code)) }
                return refuse(.fail)
            }
        case .getStateBlob(let body):
            return (getStateBlob(body, now: now), false)
        case .setStateBlob(let body):
            return done(setStateBlob(body))
        case .stop:
            powerOff(now: now)
            return done(.success)
        case .getConfig:
            return (.config(GetConfigResponse(flags: [])), false)
        case .setDataFD:
            // The loop answers this one itself (it holds the descriptor); reaching here means a second one.
            return refuse(.ioError)
        case .setBufferSize(let body):
            guard body.isQuery || !running else { return refuse(.badOrdinal) }
            guard let sizes = try? engine.setBufferSize(body.bufferSize) else { return refuse(.fail) }
            return (.bufferSize(BufferSizeResponse(bufferSize: sizes.size, minimumSize: sizes.minimum, maximumSize: sizes.maximum)), false)
        case .hashStart, .hashData, .hashEnd, .getInfo, .lockStorage, .unknown:
            // Not offered (GET_CAPABILITY does not name them): the dynamic launch's hashing,
            // GET_INFO, LOCK_STORAGE.
            return refuse(.badOrdinal)
        }
    }

    private func initialize(flags: InitFlags, now: Int) -> ControlResult {
        guard failure == nil else { return .fail }
        powerOff(now: now)
        let resume = resumeArmed && flags.contains(.deleteVolatile) && !state.volatile.isEmpty
        resumeArmed = false
        var start = state
        if !resume { start.volatile = [] }
        do throws(LoBotError) {
            try engine.start(start, resumingVolatile: resume)
        } catch {
            return .fail
        }
        // The volatile state was used once (or is not to be); it is never resumed again.
        state.volatile.removeAll()
        measurePending = !resume
        return .success
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

    private func getStateBlob(_ request: GetStateBlobRequest, now: Int) -> ControlReply {
        guard engine.isRunning else { return .refusal(.badOrdinal, to: .getStateBlob(request)) }
        guard request.type == .permanent else {
            // The volatile and saved states are inside the checkpoint the permanent blob names.
            let known = request.type == .volatile || request.type == .saveState
            return .stateBlob(GetStateBlobResponse(result: known ? .success : .fail, blob: []))
        }
        guard checkpoint(includingVolatile: true, now: now),
            let digest = try? state.digest()
        else { return .refusal(.fail, to: .getStateBlob(request)) }
        let reference = GuestTPMReference(vtpmID: VTPMID(unchecked: store.vtpmID), digest: digest).bytes
        let from = Int(min(request.offset, UInt32(reference.count)))
        return .stateBlob(GetStateBlobResponse(blob: Array(reference[from...])))
    }

    private func setStateBlob(_ request: SetStateBlobRequest) -> ControlResult {
        guard !engine.isRunning else { return .badOrdinal }
        guard !request.flags.contains(.encrypted), request.type == .permanent else {
            // LoBot never hands out a volatile, saved or encrypted blob, so it takes none back.
            return .badParameter
        }
        guard let reference = try? GuestTPMReference(bytes: request.blob), reference.vtpmID.bytes == store.vtpmID,
            let digest = try? state.digest(), reference.digest == digest, !state.volatile.isEmpty
        else {
            resumeArmed = false
            return .fail
        }
        resumeArmed = true
        return .success
    }

    // MARK: the data channel

    /// Answers one command from the guest.
    public func command(_ bytes: [UInt8], now: Int) -> [UInt8] {
        guard failure == nil, engine.isRunning else { return TPMErrorResponse.failure(engine.family).bytes }
        // Only the first Startup after a reset matters (and a refused one until it succeeds).
        let startup = measurePending ? Self.startup(bytes, family: engine.family) : nil
        let response = engine.process(bytes, locality: locality)
        if engine.takeStoredChanges() {
            guard record() else { return TPMErrorResponse.failure(engine.family).bytes }
            // With no interval, every write is anchored to the platform TPM's counter before its answer.
            if checkpointInterval == 0 { _ = checkpoint(includingVolatile: false, now: now) }
        }
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
            for event in try launch.events(banks: banks) {
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
