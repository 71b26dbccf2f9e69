// The guest TPM engine against the real libtpms, both families: manufacture, Startup, GetRandom,
// PCR extends checked against an independently computed hash chain, state stored and the engine
// restarted from the stored blobs, the volatile state resumed, and the engine's own rules.
// libtpms is one TPM per process: every test that runs it in this process is in this suite (or a
// suite nested in it), which runs one test at a time.
import LoBotCore
import LoBotGuestTPM
import Testing
import TestSupport

@Suite(.serialized) struct GuestTPMEngineTests {
    static let families = GuestTPMFamily.allCases

    @Test(arguments: families) func manufacturedTPMStartsAndAnswersGetRandom(_ family: GuestTPMFamily) throws {
        let (engine, state) = try runningEngine(family)
        #expect(state.family == family)
        #expect(!state.permanent.isEmpty && state.volatile.isEmpty)
        try startUp(engine)
        let random: [UInt8]
        switch family {
        case .tpm12: random = try engine.run(TPM12GetRandomCommand(bytesRequested: 32)).randomBytes
        case .tpm20: random = try engine.run(TPM2GetRandomCommand(bytesRequested: 32)).randomBytes
        }
        #expect(random.count == 32)
        #expect(random != [UInt8](repeating: 0, count: 32))
    }

    @Test func tpm20HasTheBanksAskedFor() throws {
        do {
            let (engine, _) = try runningEngine(.tpm20)
            try startUp(engine)
            #expect(try engine.allocatedBanks() == [.sha1, .sha256])
            // libtpms implements four banks; the two not asked for are there, with no PCR allocated.
            let all = try engine.run(TPM2GetCapabilityCommand.pcrAllocation).assignedPCR.pcrSelections
            #expect(all.map(\.algorithm) == [.sha1, .sha256, .sha384, .sha512])
            #expect(all.map(\.pcrs.count) == [24, 24, 0, 0])
        }
        // swtpm_setup's default, SHA-256 only.
        let (engine, _) = try runningEngine(.tpm20, banks: [.sha256])
        try startUp(engine)
        #expect(try engine.allocatedBanks() == [.sha256])
    }

    @Test func manufactureRefusesBanksTheFamilyHasNot() throws {
        let engine12 = try LibTPMSEngine(family: .tpm12)
        #expect(throws: LoBotError.self) { try engine12.manufacture(banks: [.sha256]) }
    }

    @Test(arguments: families) func extendsMatchTheHashChain(_ family: GuestTPMFamily) throws {
        let (engine, _) = try runningEngine(family)
        try startUp(engine)
        let banks = try engine.allocatedBanks()
        let pcr = 9
        var expected: [DigestAlgorithm: [UInt8]] = [:]
        for bank in banks { expected[bank] = [UInt8](repeating: 0, count: bank.length) }
        #expect(try engine.readPCR(pcr).map(\.value) == banks.map { [UInt8](repeating: 0, count: $0.length) })

        // Measured data, then explicit digests: PCR = H(PCR || H(data)) in every bank.
        for data in [Array("kernel".utf8), Array("initrd".utf8), []] {
            let used = try engine.extend(pcr: pcr, measuring: data)
            #expect(used.map(\.algorithm) == banks)
            for bank in banks { expected[bank] = independentHash(bank, (expected[bank] ?? []) + independentHash(bank, data)) }
        }
        var digests: [(algorithm: DigestAlgorithm, value: [UInt8])] = []
        for bank in banks { digests.append((bank, [UInt8](repeating: 0xA5, count: bank.length))) }
        try engine.extend(pcr: pcr, digests: digests)
        for bank in banks { expected[bank] = independentHash(bank, (expected[bank] ?? []) + [UInt8](repeating: 0xA5, count: bank.length)) }

        let read = try engine.readPCR(pcr)
        #expect(read.map(\.algorithm) == banks)
        for (bank, value) in read { #expect(value == expected[bank], "PCR \(pcr) in \(bank.name)") }
        // Other PCRs are untouched.
        #expect(try engine.readPCR(8).allSatisfy { $0.value == [UInt8](repeating: 0, count: $0.algorithm.length) })
    }

    @Test(arguments: families) func extendRefusesDigestsThatDoNotMatchTheBanks(_ family: GuestTPMFamily) throws {
        let (engine, _) = try runningEngine(family)
        try startUp(engine)
        let sha1 = (algorithm: DigestAlgorithm.sha1, value: [UInt8](repeating: 1, count: 20))
        let sha256 = (algorithm: DigestAlgorithm.sha256, value: [UInt8](repeating: 2, count: 32))
        let sha384 = (algorithm: DigestAlgorithm.sha384, value: [UInt8](repeating: 3, count: 48))
        let short = (algorithm: DigestAlgorithm.sha256, value: [UInt8](repeating: 2, count: 31))
        for wrong in [[sha256], [sha1, sha256, sha384], [sha1, short], [sha1, sha1], [sha1, sha256, sha256]] {
            #expect(throws: LoBotError.self) { try engine.extend(pcr: 9, digests: wrong) }
        }
        if family == .tpm20 { #expect(throws: LoBotError.self) { try engine.extend(pcr: 9, digests: [sha1]) } }
        #expect(throws: LoBotError.self) { try engine.extend(pcr: 24, measuring: []) }
        #expect(throws: LoBotError.self) { try engine.readPCR(-1) }
        // Nothing of the refused extends reached the TPM.
        #expect(try engine.readPCR(9).allSatisfy { $0.value == [UInt8](repeating: 0, count: $0.algorithm.length) })
    }

    @Test func tpm20NVIndexSurvivesARestartFromTheStoredBlobs() throws {
        let index: UInt32 = 0x0150_0001
        let secret = Array("guest NV data, 32 bytes long....".utf8)
        var stored: GuestTPMBlobs
        do {
            let (engine, manufactured) = try runningEngine(.tpm20)
            _ = engine.takeStoredChanges()
            try startUp(engine)
            #expect(try returnCode(engine, TPM2TestCommands.nvDefineSpace(index: index, size: 32)) == 0)
            #expect(engine.takeStoredChanges(), "NV_DefineSpace stored NVRAM")
            #expect(try returnCode(engine, TPM2TestCommands.nvWrite(index: index, secret)) == 0)
            #expect(engine.takeStoredChanges(), "NV_Write stored NVRAM")
            #expect(!engine.takeStoredChanges(), "the change is reported once")
            stored = try engine.state(includingVolatile: false)
            #expect(stored.permanent != manufactured.permanent)
        }
        // A new engine, from nothing but the stored blobs.
        let engine = try LibTPMSEngine(family: .tpm20)
        try engine.start(stored, resumingVolatile: false)
        try startUp(engine)
        let response = engine.process(TPM2TestCommands.nvRead(index: index, size: 32), locality: 0)
        #expect(responseHeader(response)?.code == 0)
        #expect(try TPM2TestCommands.nvReadData(response) == secret)
    }

    @Test func tpm12EndorsementKeyAndNVSurviveARestartFromTheStoredBlobs() throws {
        let index: UInt32 = 0x0001_1000
        let secret = Array("sixteen bytes!!!".utf8)
        var stored: GuestTPMBlobs
        var ek: PubKey
        do {
            let (engine, _) = try runningEngine(.tpm12)
            try startUp(engine)
            let pubek = engine.process(TPM12TestCommands.readPubek([UInt8](repeating: 7, count: 20)), locality: 0)
            #expect(responseHeader(pubek)?.code == 0)
            ek = try TPM12TestCommands.pubek(pubek)
            #expect(ek.modulus.count == 256)
            _ = engine.takeStoredChanges()
            #expect(try returnCode(engine, TPM12TestCommands.nvDefineSpace(index: index, size: 16)) == 0)
            #expect(engine.takeStoredChanges(), "TPM_NV_DefineSpace stored NVRAM")
            #expect(try returnCode(engine, TPM12TestCommands.nvWriteValue(index: index, secret)) == 0)
            #expect(engine.takeStoredChanges(), "TPM_NV_WriteValue stored NVRAM")
            stored = try engine.state(includingVolatile: false)
        }
        let engine = try LibTPMSEngine(family: .tpm12)
        try engine.start(stored, resumingVolatile: false)
        try startUp(engine)
        let pubek = engine.process(TPM12TestCommands.readPubek([UInt8](repeating: 8, count: 20)), locality: 0)
        #expect(try TPM12TestCommands.pubek(pubek) == ek)
        let read = engine.process(TPM12TestCommands.nvReadValue(index: index, size: 16), locality: 0)
        #expect(responseHeader(read)?.code == 0)
        #expect(try TPM12TestCommands.nvReadData(read) == secret)
    }

    @Test(arguments: families) func volatileStateResumesPCRsWithoutAStartup(_ family: GuestTPMFamily) throws {
        var checkpoint: GuestTPMBlobs
        var values: [(algorithm: DigestAlgorithm, value: [UInt8])]
        do {
            let (engine, _) = try runningEngine(family)
            try startUp(engine)
            try engine.extend(pcr: 9, measuring: Array("before the checkpoint".utf8))
            values = try engine.readPCR(9)
            checkpoint = try engine.state(includingVolatile: true)
            #expect(!checkpoint.volatile.isEmpty)
        }
        let engine = try LibTPMSEngine(family: family)
        try engine.start(checkpoint, resumingVolatile: true)
        // No Startup: the TPM goes on where it was.
        #expect(try engine.readPCR(9).map(\.value) == values.map(\.value))
        try engine.extend(pcr: 9, measuring: Array("after".utf8))
        // The volatile state was used once: a stop and start from the stored state is a cold boot.
        engine.stop()
        #expect(try engine.state(includingVolatile: false).volatile.isEmpty)
        try engine.start(try engine.state(includingVolatile: false), resumingVolatile: false)
        try startUp(engine)
        #expect(try engine.readPCR(9).allSatisfy { $0.value == [UInt8](repeating: 0, count: $0.algorithm.length) })
    }

    @Test(arguments: families) func aDamagedVolatileStateIsRefused(_ family: GuestTPMFamily) throws {
        var checkpoint: GuestTPMBlobs
        do {
            let (engine, _) = try runningEngine(family)
            try startUp(engine)
            checkpoint = try engine.state(includingVolatile: true)
        }
        checkpoint.volatile = Array(checkpoint.volatile.prefix(checkpoint.volatile.count / 2))
        let engine = try LibTPMSEngine(family: family)
        let error = #expect(throws: LoBotError.self) { try engine.start(checkpoint, resumingVolatile: true) }
        guard case .guestTPM(_, let code)? = error else {
            Issue.record("a damaged volatile state gave \(String(describing: error)), not a libtpms failure")
            return
        }
        #expect(code != 0)
        #expect(!engine.isRunning)
        // The engine is usable again, on the intact permanent state.
        checkpoint.volatile = []
        try engine.start(checkpoint, resumingVolatile: false)
        try startUp(engine)
    }

    @Test func tpm20StopShutsDownOrderlyUnlessTheGuestDid() throws {
        // The engine's TPM2_Shutdown(STATE) lets the next boot resume (Startup(STATE)).
        var stored: GuestTPMBlobs
        do {
            let (engine, _) = try runningEngine(.tpm20)
            try startUp(engine)
            engine.stop()
            stored = try engine.state(includingVolatile: false)
        }
        do {
            let engine = try LibTPMSEngine(family: .tpm20)
            try engine.start(stored, resumingVolatile: false)
            _ = try engine.run(TPM2StartupCommand(.state))
            // The guest's own Shutdown(CLEAR) is the last word: no resume after it.
            _ = try engine.run(TPM2ShutdownCommand(.clear))
            engine.stop()
            try engine.start(try engine.state(includingVolatile: false), resumingVolatile: false)
            #expect(throws: LoBotError.self) { try engine.run(TPM2StartupCommand(.state)) }
        }
    }
}
