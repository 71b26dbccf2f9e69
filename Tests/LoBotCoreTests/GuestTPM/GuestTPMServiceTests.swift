// The guest TPM server's rules (GuestTPMService) against the real libtpms: what each request of
// qemu's TPM emulator protocol does, when the state is made durable and checkpointed, LoBot's
// launch measurements after a cold start, the reference a migration stream carries in place of
// the state, and a TPM that stops answering rather than lie when its state cannot be written.
// The store here keeps what it is given in memory, so each rule's effect on it can be read.
import LoBotCore
import LoBotGuestTPM
import Testing
import TestSupport

/// A store that records every write and checkpoint it is handed, and can be made to fail.
final class RecordingStore: GuestTPMPersistence {
    let vtpmID = [UInt8](repeating: 0x5a, count: 16)
    private(set) var sequence: UInt64 = 0
    private(set) var writes: [GuestTPMBlobs] = []
    private(set) var checkpoints: [GuestTPMBlobs] = []
    var failing = false

    func recordWrite(_ state: GuestTPMBlobs) throws(LoBotError) {
        guard !failing else { throw .system(operation: "cannot write", path: "guest-tpm.live", errno: 28) }
        writes.append(state)
        sequence += 1
    }

    func checkpoint(_ state: GuestTPMBlobs) throws(LoBotError) {
        guard !failing else { throw .system(operation: "cannot write", path: "vtpm.state", errno: 28) }
        checkpoints.append(state)
        sequence = 0
    }
}

extension GuestTPMEngineTests {
    @Suite struct Service {
        static let config = DomainConfig(name: "d", memoryMiB: 128, kernel: "/boot/vmlinuz", initrd: "/boot/initrd", commandLine: "console=ttyS0",
                                         disk: .none)

        /// A service on a freshly manufactured TPM of `family`, with launch events for files that
        /// hash to known values, as a server holds one right after its start.
        static func service(_ family: GuestTPMFamily, interval: Int = 5000) throws -> (GuestTPMService<RecordingStore>, RecordingStore, [LaunchEvent]) {
            let engine = try LibTPMSEngine(family: family)
            let state = try engine.manufacture()
            let banks = DigestAlgorithm.allCases
            let launch = try LaunchMeasurement.events(config: config, kernel: banks.map { independentHash($0, [1]) },
                                                      initrd: banks.map { independentHash($0, [2]) }, banks: banks)
            let store = RecordingStore()
            return (GuestTPMService(engine: engine, store: store, state: state, launch: LaunchEvents(launch), checkpointInterval: interval, now: 0), store, launch)
        }

        static func startup(_ family: GuestTPMFamily) -> [UInt8] {
            family == .tpm12 ? TPM12StartupCommand(.clear).bytes : TPM2StartupCommand(.clear).bytes
        }

        /// The server's answer's result word.
        static func result(_ reply: ControlReply) -> UInt32 { reply.result.rawValue }

        @Test(arguments: GuestTPMEngineTests.families)
        func beforeInitTheTPMAnswersFailureInItsFamilysFormAndInitStartsIt(_ family: GuestTPMFamily) throws {
            let (service, _, _) = try Self.service(family)
            // qemu probes the TPM's version with commands before INIT: the answer's tag says the family.
            let probe = service.command(TPM2GetRandomCommand(bytesRequested: 8).bytes, now: 0)
            #expect(responseHeader(probe)?.tag == (family == .tpm12 ? 0x00C4 : 0x8001))
            #expect(responseHeader(probe)?.code != 0)
            guard case .capability(let answer) = service.control(.getCapability, now: 0).reply else {
                Issue.record("GET_CAPABILITY answered no capabilities")
                return
            }
            // What qemu requires of a TPM 2.0 (and so of a 1.2), and the state blobs a migration needs.
            #expect(answer.capabilities.isSuperset(of: ControlCapabilities.qemuMinimumTPM2.union(ControlCapabilities.qemuMigration)))
            #expect(Self.result(service.control(.initialize(InitRequest(flags: [])), now: 0).reply) == 0)
            #expect(responseHeader(service.command(Self.startup(family), now: 0))?.code == 0)
        }

        @Test(arguments: GuestTPMEngineTests.families)
        func aColdStartIsMeasuredAfterTheGuestsFirstStartupClear(_ family: GuestTPMFamily) throws {
            let (service, _, launch) = try Self.service(family)
            for round in 0..<2 {
                // Each INIT is a reset of the VM: PCRs start again from zero and are measured again.
                #expect(Self.result(service.control(.initialize(InitRequest(flags: [])), now: 0).reply) == 0)
                #expect(responseHeader(service.command(Self.startup(family), now: 0))?.code == 0)
                for (bank, value) in try service.engine.readPCR(8) {
                    let predicted = try LaunchMeasurement.predict(launch, bank: bank)
                    #expect(value == predicted[0].value, "round \(round): PCR 8 of \(bank.name)")
                    let pcr9 = try service.engine.readPCR(9).first { $0.algorithm == bank }?.value
                #expect(pcr9 == predicted[1].value)
                }
            }
            // A second Startup (refused by the TPM) measures nothing more.
            let before = try service.engine.readPCR(8)
            #expect(responseHeader(service.command(Self.startup(family), now: 0))?.code != 0)
            let after = try service.engine.readPCR(8)
            #expect(zip(before, after).allSatisfy { $0.value == $1.value })
        }

        @Test func everyNVChangeIsWrittenBeforeItsAnswerAndCheckpointedAtTheInterval() throws {
            let (service, store, _) = try Self.service(.tpm20, interval: 1000)
            _ = service.control(.initialize(InitRequest(flags: [])), now: 0)
            _ = service.command(Self.startup(.tpm20), now: 0)
            let writesBefore = store.writes.count
            let defined = service.command(TPM2TestCommands.nvDefineSpace(index: 0x0150_0016, size: 8), now: 10)
            #expect(responseHeader(defined)?.code == 0)
            #expect(store.writes.count > writesBefore, "the NV index was answered before it was written")
            #expect(responseHeader(service.command(TPM2TestCommands.nvWrite(index: 0x0150_0016, Array("00000007".utf8)), now: 20))?.code == 0)
            // What the store got opens as a TPM holding that value.
            let written = try #require(store.writes.last)
            #expect(service.nextTick(now: 20) == 980)
            service.tick(now: 500)
            #expect(store.checkpoints.isEmpty, "checkpointed before the interval")
            service.tick(now: 1000)
            #expect(store.checkpoints.count == 1 && store.sequence == 0)
            #expect(service.nextTick(now: 1000) == nil, "nothing written since: no checkpoint due")
            service.powerOff(now: 1100)
            let engine = service.engine
            try engine.start(written, resumingVolatile: false)
            try startUp(engine)
            let read = engine.process(TPM2TestCommands.nvRead(index: 0x0150_0016, size: 8), locality: 0)
            #expect(try TPM2TestCommands.nvReadData(read) == Array("00000007".utf8))
        }

        @Test(arguments: GuestTPMEngineTests.families)
        func aMigrationStreamCarriesOnlyAReferenceAndTheDestinationResumesFromTheStateItNames(_ family: GuestTPMFamily) throws {
            let (service, store, _) = try Self.service(family)
            _ = service.control(.initialize(InitRequest(flags: [])), now: 0)
            _ = service.command(Self.startup(family), now: 0)
            let pcr8 = try service.engine.readPCR(8)
            // qemu saving the VM: the permanent blob is a checkpoint's reference; the others are empty.
            guard case .stateBlob(let answer) = service.control(.getStateBlob(GetStateBlobRequest(type: .permanent)), now: 5).reply,
                answer.result == .success
            else {
                Issue.record("GET_STATEBLOB of the permanent state failed")
                return
            }
            let reference = try GuestTPMReference(bytes: answer.blob)
            let checkpoint = try #require(store.checkpoints.last)
            #expect(!checkpoint.volatile.isEmpty, "the checkpoint has no volatile state to resume")
            let digest = try checkpoint.digest()
            #expect(reference.vtpmID.bytes == store.vtpmID && reference.digest == digest)
            for type in [StateBlobType.volatile, .saveState] {
                #expect(service.control(.getStateBlob(GetStateBlobRequest(type: type)), now: 5).reply == .stateBlob(GetStateBlobResponse(blob: [])))
            }
            // The destination's server holds that checkpoint; qemu stops its TPM and hands back the reference.
            service.powerOff(now: 6)
            let destination = GuestTPMService(engine: service.engine, store: store, state: checkpoint, launch: LaunchEvents([]), checkpointInterval: 5000, now: 0)
            var forged = reference
            forged.digest[0] ^= 1
            #expect(Self.result(destination.control(.setStateBlob(SetStateBlobRequest(type: .permanent, blob: forged.bytes)), now: 0).reply) == ControlResult.fail.rawValue)
            #expect(Self.result(destination.control(.setStateBlob(SetStateBlobRequest(type: .volatile, blob: [1, 2, 3])), now: 0).reply) == ControlResult.badParameter.rawValue)
            #expect(Self.result(destination.control(.setStateBlob(SetStateBlobRequest(type: .permanent, blob: reference.bytes)), now: 0).reply) == 0)
            #expect(Self.result(destination.control(.initialize(InitRequest(flags: .deleteVolatile)), now: 0).reply) == 0)
            // Resumed: no Startup, the PCRs as they were, no new measurement.
            let resumed = try destination.engine.readPCR(8)
            #expect(zip(pcr8, resumed).allSatisfy { $0.value == $1.value })
            // While the TPM runs, a state blob is not taken.
            #expect(Self.result(destination.control(.setStateBlob(SetStateBlobRequest(type: .permanent, blob: reference.bytes)), now: 0).reply) == ControlResult.badOrdinal.rawValue)
        }

        @Test func aTPMWhoseStateCannotBeWrittenStopsAnsweringRatherThanLie() throws {
            let (service, store, _) = try Self.service(.tpm20)
            _ = service.control(.initialize(InitRequest(flags: [])), now: 0)
            _ = service.command(Self.startup(.tpm20), now: 0)
            store.failing = true
            let answer = service.command(TPM2TestCommands.nvDefineSpace(index: 0x0150_0017, size: 8), now: 1)
            #expect(answer == TPMErrorResponse.failure(.tpm20).bytes)
            #expect(service.failure?.contains("could not be written") == true)
            store.failing = false
            #expect(service.command(TPM2GetRandomCommand(bytesRequested: 8).bytes, now: 2) == TPMErrorResponse.failure(.tpm20).bytes)
            #expect(Self.result(service.control(.initialize(InitRequest(flags: [])), now: 3).reply) == ControlResult.fail.rawValue)
        }

        @Test func controlRequestsOutOfPlaceAreRefusedAsSwtpmRefusesThem() throws {
            let (service, _, _) = try Self.service(.tpm20)
            #expect(Self.result(service.control(.setLocality(LocalityRequest(locality: 5)), now: 0).reply) == ControlResult.badLocality.rawValue)
            #expect(Self.result(service.control(.getEstablished, now: 0).reply) == ControlResult.badOrdinal.rawValue)
            #expect(Self.result(service.control(.getStateBlob(GetStateBlobRequest(type: .permanent)), now: 0).reply) == ControlResult.badOrdinal.rawValue)
            #expect(Self.result(service.control(.getInfo(GetInfoRequest(flags: 1)), now: 0).reply) == ControlResult.badOrdinal.rawValue)
            _ = service.control(.initialize(InitRequest(flags: [])), now: 0)
            #expect(Self.result(service.control(.setBufferSize(BufferSizeRequest(bufferSize: 4096)), now: 0).reply) == ControlResult.badOrdinal.rawValue)
            #expect(Self.result(service.control(.setBufferSize(BufferSizeRequest(bufferSize: 0)), now: 0).reply) == 0)
            #expect(Self.result(service.control(.setLocality(LocalityRequest(locality: 3)), now: 0).reply) == 0)
            #expect(service.locality == 3)
        }
    }
}
