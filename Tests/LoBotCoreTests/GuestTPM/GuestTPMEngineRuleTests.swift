// The engine's own rules, against the real libtpms: hostile commands get a TPM error response of
// the family's form and never a crash; the engine refuses what the TPM's state does not allow;
// locality, the established flag, the buffer size and cancel reach libtpms.
import LoBotCore
import LoBotGuestTPM
import Testing
import TestSupport

extension GuestTPMEngineTests {
    @Suite struct Rules {
        /// The family's response tag for a failed command.
        static func errorTag(_ family: GuestTPMFamily) -> UInt16 { family == .tpm12 ? 0x00C4 : 0x8001 }

        /// The command's response must be a well-formed error response of the family's form.
        static func expectError(_ engine: LibTPMSEngine, _ command: [UInt8], _ what: String,
                                sourceLocation: SourceLocation = #_sourceLocation) {
            let response = engine.process(command, locality: 0)
            guard let header = responseHeader(response) else {
                Issue.record("\(what): response \(response.hexString) has no header", sourceLocation: sourceLocation)
                return
            }
            #expect(Int(header.size) == response.count, "\(what): size field", sourceLocation: sourceLocation)
            #expect(header.tag == errorTag(engine.family), "\(what): tag", sourceLocation: sourceLocation)
            #expect(header.code != 0, "\(what): accepted", sourceLocation: sourceLocation)
        }

        @Test(arguments: GuestTPMEngineTests.families) func hostileCommandsGetErrorResponses(_ family: GuestTPMFamily) throws {
            let (engine, _) = try runningEngine(family)
            try startUp(engine)
            let tag: [UInt8] = family == .tpm12 ? [0x00, 0xC1] : [0x80, 0x01]
            let getRandom = family == .tpm12
                ? TPM12GetRandomCommand(bytesRequested: 8).bytes : TPM2GetRandomCommand(bytesRequested: 8).bytes
            Self.expectError(engine, [], "empty")
            Self.expectError(engine, Array(getRandom.prefix(5)), "truncated header")
            Self.expectError(engine, Array(getRandom.dropLast()), "truncated parameters")
            var lying = getRandom
            lying[5] = lying[5] &+ 8  // the size field claims 8 bytes more than there are
            Self.expectError(engine, lying, "size field too large")
            lying = getRandom
            lying[5] = lying[5] &- 1  // and one byte fewer
            Self.expectError(engine, lying, "size field too small")
            Self.expectError(engine, getRandom + [0], "a byte after the command")
            Self.expectError(engine, tag + [0xFF, 0xFF, 0xFF, 0xFF] + [0, 0, 0, 0], "size field 4 GiB")
            var generator = SystemRandomNumberGenerator()
            let buffer = Int(engine.bufferSize)
            Self.expectError(engine, (0..<buffer).map { _ in UInt8.random(in: 0...255, using: &generator) }, "garbage of the buffer's size")
            Self.expectError(engine, (0..<(1 << 20)).map { _ in UInt8.random(in: 0...255, using: &generator) }, "1 MiB of garbage")
            // A command of the buffer's size that claims to be a GetRandom of that size.
            var big = ByteWriter()
            big.write(tag)
            big.write(UInt32(buffer))
            big.write(Array(getRandom[6..<10]))
            big.write([UInt8](repeating: 0x41, count: buffer - 10))
            Self.expectError(engine, big.bytes, "a GetRandom as large as the buffer")
            for round in 0..<3000 {
                let length = Int.random(in: 0...96, using: &generator)
                var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                // A third keep the family's tag and a size field that matches, so libtpms looks further.
                if round % 3 == 0 && length >= 10 {
                    bytes[0] = tag[0]
                    bytes[1] = tag[1]
                    bytes[2] = 0
                    bytes[3] = 0
                    bytes[4] = 0
                    bytes[5] = UInt8(length)
                }
                let response = engine.process(bytes, locality: UInt8(round % 5))
                guard let header = responseHeader(response), Int(header.size) == response.count else {
                    Issue.record("random command \(bytes.hexString) got a malformed response \(response.hexString)")
                    break
                }
            }
            // The TPM still answers.
            let random = engine.process(getRandom, locality: 0)
            #expect(responseHeader(random)?.code == 0)
        }

        @Test(arguments: GuestTPMEngineTests.families) func aLocalityAbove4IsRefused(_ family: GuestTPMFamily) throws {
            let (engine, _) = try runningEngine(family)
            try startUp(engine)
            let command = family == .tpm12 ? TPM12GetRandomCommand(bytesRequested: 8).bytes : TPM2GetRandomCommand(bytesRequested: 8).bytes
            #expect(try returnCode(engine, command, locality: 5) == (family == .tpm12 ? 0x3D : 0x907))
            #expect(try returnCode(engine, command, locality: 4) == 0)
        }

        @Test func theLocalityReachesTheTPM() throws {
            // PCR 20 is reset from locality 2 (and 4), not 0; PCR 16 (debug) from any.
            do {
                let (engine, _) = try runningEngine(.tpm20)
                try startUp(engine)
                #expect(try returnCode(engine, TPM2TestCommands.pcrReset(20), locality: 0) == 0x907)  // TPM_RC_LOCALITY
                #expect(try returnCode(engine, TPM2TestCommands.pcrReset(20), locality: 2) == 0)
                #expect(try returnCode(engine, TPM2TestCommands.pcrReset(16), locality: 0) == 0)
            }
            let (engine, _) = try runningEngine(.tpm12)
            try startUp(engine)
            #expect(try returnCode(engine, TPM12TestCommands.pcrReset(20), locality: 0) == 0x33)  // TPM_NOTRESETABLE
            #expect(try returnCode(engine, TPM12TestCommands.pcrReset(20), locality: 3) == 0x33)
            #expect(try returnCode(engine, TPM12TestCommands.pcrReset(20), locality: 2) == 0)
            #expect(try returnCode(engine, TPM12TestCommands.pcrReset(16), locality: 0) == 0)
        }

        @Test(arguments: GuestTPMEngineTests.families) func theEstablishedFlagIsResetFromLocality3Only(_ family: GuestTPMFamily) throws {
            let (engine, _) = try runningEngine(family)
            try startUp(engine)
            let error = #expect(throws: LoBotError.self) { try engine.resetEstablishedFlag(locality: 0) }
            guard case .guestTPM(_, let code)? = error else {
                Issue.record("reset from locality 0 gave \(String(describing: error))")
                return
            }
            #expect(code != 0)
            try engine.resetEstablishedFlag(locality: 3)
            #expect(try engine.establishedFlag() == false)
        }

        @Test(arguments: GuestTPMEngineTests.families) func aStoppedEngineAnswersFailure(_ family: GuestTPMFamily) throws {
            let engine = try LibTPMSEngine(family: family)
            let failure: UInt32 = family == .tpm12 ? 0x09 : 0x101
            #expect(try returnCode(engine, [1, 2, 3]) == failure)
            #expect(throws: LoBotError.self) { try engine.establishedFlag() }
            #expect(throws: LoBotError.self) { try engine.state(includingVolatile: false) }
            let state = try engine.manufacture()
            try engine.start(state, resumingVolatile: false)
            engine.stop()
            #expect(!engine.isRunning)
            #expect(try returnCode(engine, TPM2GetRandomCommand(bytesRequested: 8).bytes) == failure)
            #expect(throws: LoBotError.self) { try engine.state(includingVolatile: true) }
            #expect(throws: LoBotError.self) { try engine.run(TPM2GetRandomCommand(bytesRequested: 8)) }
        }

        @Test func oneEnginePerProcess() throws {
            let engine = try LibTPMSEngine(family: .tpm20)
            #expect(throws: LoBotError.self) { try LibTPMSEngine(family: .tpm12) }
            _ = engine
        }

        @Test(arguments: GuestTPMEngineTests.families) func startTakesOnlyAManufacturedStateOfItsFamily(_ family: GuestTPMFamily) throws {
            let engine = try LibTPMSEngine(family: family)
            let other: GuestTPMFamily = family == .tpm12 ? .tpm20 : .tpm12
            #expect(throws: LoBotError.self) { try engine.start(GuestTPMBlobs(family: family, permanent: []), resumingVolatile: false) }
            #expect(throws: LoBotError.self) { try engine.start(GuestTPMBlobs(family: other, permanent: [1]), resumingVolatile: false) }
            #expect(throws: LoBotError.self) { try engine.start(GuestTPMBlobs(family: family, permanent: [1]), resumingVolatile: true) }
            // Garbage as a permanent state: libtpms refuses it, the engine keeps the code.
            let garbage = GuestTPMBlobs(family: family, permanent: [UInt8](repeating: 0x5A, count: 4096))
            let error = #expect(throws: LoBotError.self) { try engine.start(garbage, resumingVolatile: false) }
            guard case .guestTPM? = error else {
                Issue.record("a garbage permanent state gave \(String(describing: error))")
                return
            }
            #expect(!engine.isRunning)
            let state = try engine.manufacture()
            try engine.start(state, resumingVolatile: false)
            #expect(throws: LoBotError.self) { try engine.start(state, resumingVolatile: false) }
            #expect(throws: LoBotError.self) { try engine.manufacture() }
        }

        @Test(arguments: GuestTPMEngineTests.families) func theBufferSizeChangesOnlyWhileStopped(_ family: GuestTPMFamily) throws {
            let engine = try LibTPMSEngine(family: family)
            let sizes = try engine.setBufferSize(0)
            #expect(sizes.minimum <= sizes.size && sizes.size <= sizes.maximum)
            let small = try engine.setBufferSize(sizes.minimum)
            #expect(small.size == sizes.minimum)
            try engine.start(try engine.manufacture(), resumingVolatile: false)
            #expect(engine.bufferSize == sizes.minimum)
            #expect(throws: LoBotError.self) { try engine.setBufferSize(sizes.maximum) }
            // A command one byte longer than the buffer never reaches libtpms.
            let sizeError: UInt32 = family == .tpm12 ? 0x19 : 0x142
            #expect(try returnCode(engine, [UInt8](repeating: 0, count: Int(sizes.minimum) + 1)) == sizeError)
            engine.stop()
            #expect(try engine.setBufferSize(sizes.size).size == sizes.size)
        }

        @Test(arguments: GuestTPMEngineTests.families) func cancelLeavesTheNextCommandAlone(_ family: GuestTPMFamily) throws {
            let (engine, _) = try runningEngine(family)
            try startUp(engine)
            if family == .tpm20 {
                try engine.cancelCommand()
            } else {
                // libtpms' TPM 1.2 cannot cancel: TPMLIB_CancelCommand answers TPM_FAIL, and the engine says so.
                let error = #expect(throws: LoBotError.self) { try engine.cancelCommand() }
                #expect(error == .guestTPM(operation: "cancel the command (TPMLIB_CancelCommand)", code: 0x09))
            }
            #expect(try engine.readPCR(0).count >= 1)
        }
    }
}
