// qemu's TPM emulator protocol (Sources/LoBotCore/TPMEmulator): every frame qemu 7.2 and swtpm
// 0.7.1 exchanged in the captures of Fixtures/tpm-emulator (see its NOTES.md) parses to what it
// says and serializes back byte for byte, then takes the generic battery (every truncation, a
// trailing byte); the framing helper agrees with the parser on every prefix and every bit flip;
// lengths above the caps are refused before the body is read.
import Foundation
import LoBotCore
import Testing
import TestSupport

/// The bytes of Fixtures/tpm-emulator/NAME.bin.
func emulatorFixture(_ name: String) throws -> [UInt8] {
    let path = Binaries.packageRoot + "/Tests/LoBotCoreTests/Fixtures/tpm-emulator/" + name + ".bin"
    return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Parses a fixture as `T`, checks it serializes back to itself, runs the battery, returns it.
func emulatorFrame<T: WireStructure & Equatable>(
    _ type: T.Type, _ name: String, fixedFieldOffsets: [Int] = [], sourceLocation: SourceLocation = #_sourceLocation
) throws -> T {
    let bytes = try emulatorFixture(name)
    let value = try T(bytes: bytes)
    #expect(value.bytes == bytes, "\(name) does not serialize back to itself", sourceLocation: sourceLocation)
    try checkWireStructure(value, known: bytes, fixedFieldOffsets: fixedFieldOffsets, sourceLocation: sourceLocation)
    return value
}

@Suite struct TPMEmulatorTests {
    /// Every control request of the captures, by name, as the parser must read it.
    static let requests: [(String, ControlRequest)] = [
        ("req-set-datafd", .setDataFD),
        ("req-get-capability", .getCapability),
        ("req-stop", .stop),
        ("req-set-buffersize-query", .setBufferSize(BufferSizeRequest(bufferSize: 0))),
        ("req-set-buffersize-4096", .setBufferSize(BufferSizeRequest(bufferSize: 4096))),
        ("req-set-buffersize-3968", .setBufferSize(BufferSizeRequest(bufferSize: 3968))),
        ("req-init", .initialize(InitRequest(flags: []))),
        ("req-init-delete-volatile", .initialize(InitRequest(flags: .deleteVolatile))),
        ("req-get-established", .getEstablished),
        ("req-set-locality-0", .setLocality(LocalityRequest(locality: 0))),
        ("req-set-locality-3", .setLocality(LocalityRequest(locality: 3))),
        ("req-cancel", .cancel),
        ("req-get-stateblob-permanent", .getStateBlob(GetStateBlobRequest(flags: .decrypted, type: .permanent))),
        ("req-get-stateblob-volatile", .getStateBlob(GetStateBlobRequest(flags: .decrypted, type: .volatile))),
        ("req-get-stateblob-savestate", .getStateBlob(GetStateBlobRequest(flags: .decrypted, type: .saveState))),
        ("req-shutdown", .shutdown),
        ("req-get-config", .getConfig),
        ("req-get-info", .getInfo(GetInfoRequest(flags: 1))),
        ("req-store-volatile", .storeVolatile),
        ("req-hash-start", .hashStart),
        ("req-hash-data", .hashData(HashDataRequest(data: Array("LoBot".utf8)))),
        ("req-hash-end", .hashEnd),
    ]

    /// The requests whose value depends on captured bytes (state blobs, qemu's stack).
    static let capturedRequests = [
        "req-reset-established", "req-set-stateblob-permanent-tpm2", "req-set-stateblob-volatile-tpm2",
        "req-set-stateblob-permanent-tpm12", "req-set-stateblob-volatile-tpm12",
    ]

    static var allRequestNames: [String] { requests.map(\.0) + capturedRequests }

    @Test func everyCapturedRequestParsesToWhatItSays() throws {
        for (name, expected) in Self.requests {
            let parsed = try emulatorFrame(ControlRequest.self, name)
            #expect(parsed == expected, "\(name)")
        }
    }

    @Test func qemuSendsSetLocalityAndResetEstablishedAsItsWholeUnion() throws {
        // qemu 7.2 zeroes ptm_loc but not ptm_reset_est: the 3 bytes after the locality are
        // whatever its stack held, and must come back as they were.
        guard case .resetEstablished(let reset) = try emulatorFrame(ControlRequest.self, "req-reset-established") else {
            Issue.record("not a RESET_TPMESTABLISHED")
            return
        }
        #expect(reset.locality == 3)
        #expect(try emulatorFixture("req-reset-established").count == 8)
        #expect(try emulatorFixture("req-set-locality-3") == [0, 0, 0, 5, 3, 0, 0, 0])
    }

    @Test func theDestinationReceivesTheBlobsTheSourceGave() throws {
        // qemu carries each blob from GET_STATEBLOB on the source to SET_STATEBLOB on the
        // destination, flags unchanged; the empty savestate blob is not sent at all.
        for family in ["tpm2", "tpm12"] {
            for (kind, type) in [("permanent", StateBlobType.permanent), ("volatile", .volatile)] {
                guard case .setStateBlob(let set) = try emulatorFrame(ControlRequest.self, "req-set-stateblob-\(kind)-\(family)") else {
                    Issue.record("req-set-stateblob-\(kind)-\(family) is not a SET_STATEBLOB")
                    continue
                }
                #expect(set.type == type)
                let got = try emulatorFrame(GetStateBlobResponse.self, "rsp-get-stateblob-\(kind)-\(family)")
                #expect(got.result == .success && got.blob == set.blob && got.flags == set.flags, "\(kind) \(family)")
            }
        }
    }

    @Test func aMissingSavestateBlobIsANonFatalResultAndNoBlob() throws {
        let savestate = try emulatorFrame(GetStateBlobResponse.self, "rsp-get-stateblob-savestate-tpm2")
        #expect(savestate == GetStateBlobResponse(result: .retry, flags: [], blob: []))
        #expect(savestate.result.isSuccessOrNonFatal)
        #expect(!ControlResult.fail.isSuccessOrNonFatal)
    }

    @Test func everyCapturedResponseParsesToWhatItSays() throws {
        #expect(try emulatorFrame(ResultResponse.self, "rsp-result-success") == ResultResponse(.success))
        #expect(try emulatorFrame(ResultResponse.self, "rsp-cancel-tpm12-fail") == ResultResponse(.fail))
        #expect(try emulatorFrame(ResultResponse.self, "rsp-hash-start-tpm12-invalid-postinit") == ResultResponse(.invalidPostInit))

        let caps2 = try emulatorFrame(CapabilityResponse.self, "rsp-capability-tpm2")
        #expect(caps2.result == .success && caps2.capabilities.rawValue == 0xffff && caps2.qemuValue == 0xffff)
        #expect(caps2.capabilities.isSuperset(of: ControlCapabilities.qemuMinimumTPM2.union(.qemuMigration)))
        let caps12 = try emulatorFrame(CapabilityResponse.self, "rsp-capability-tpm12")
        #expect(caps12.capabilities.rawValue == 0x7fff && !caps12.capabilities.contains(.sendCommandHeader))
        #expect(caps12.capabilities.isSuperset(of: ControlCapabilities.qemuMinimumTPM12.union(.qemuMigration)))

        #expect(try emulatorFrame(BufferSizeResponse.self, "rsp-buffersize-tpm2")
            == BufferSizeResponse(bufferSize: 4096, minimumSize: 2808, maximumSize: 4096))
        #expect(try emulatorFrame(BufferSizeResponse.self, "rsp-buffersize-tpm2-crb")
            == BufferSizeResponse(bufferSize: 3968, minimumSize: 2808, maximumSize: 4096))
        #expect(try emulatorFrame(BufferSizeResponse.self, "rsp-buffersize-tpm12")
            == BufferSizeResponse(bufferSize: 4096, minimumSize: 3072, maximumSize: 4096))

        #expect(try emulatorFrame(EstablishedResponse.self, "rsp-established", fixedFieldOffsets: [5, 6, 7])
            == EstablishedResponse(established: false))
        #expect(try emulatorFrame(GetConfigResponse.self, "rsp-get-config") == GetConfigResponse(flags: []))

        let info = try emulatorFrame(GetInfoResponse.self, "rsp-get-info-tpm2")
        #expect(Int(info.totalLength) == info.text.count && info.text.last == 0)
        #expect(String(decoding: info.text.dropLast(), as: UTF8.self).contains("\"family\":\"2.0\""))

        for (name, size) in [("permanent-tpm2", 1321), ("volatile-tpm2", 9012), ("permanent-tpm12", 1191), ("volatile-tpm12", 1253)] {
            let blob = try emulatorFrame(GetStateBlobResponse.self, "rsp-get-stateblob-\(name)")
            #expect(blob.result == .success && blob.flags == [] && blob.blob.count == size, "\(name)")
        }
    }

    // MARK: The data channel

    @Test func swtpmAnswersQemusProbeWithTheFailureOfItsFamily() throws {
        // Before CMD_INIT swtpm answers every TPM command with a bare header, TPM_RC_FAILURE or
        // TPM_FAIL in its own family: the response qemu's probe (tpm_util_test_tpmdev) reads the
        // family from, and the one a server gives when it cannot run a command.
        #expect(try emulatorFixture("tpm-rsp-probe-tpm2-failure") == TPMMessageHeader.failureResponse(.tpm2).bytes)
        #expect(try emulatorFixture("tpm-rsp-probe-tpm12-fail") == TPMMessageHeader.failureResponse(.tpm12).bytes)
        #expect(try emulatorFixture("tpm-cmd-probe-tpm2-readclock") == hexBytes("8001 0000000a 00000181"))
        #expect(try emulatorFixture("tpm-cmd-probe-tpm12-getticks") == hexBytes("00c1 0000000a 000000f1"))
    }

    @Test func everyWellFormedTPMMessageHasAHeaderThatSaysItsLength() throws {
        let messages: [(String, TPMFamily)] = [
            ("tpm-cmd-probe-tpm2-readclock", .tpm2), ("tpm-rsp-probe-tpm2-failure", .tpm2),
            ("tpm-cmd-probe-tpm12-getticks", .tpm12), ("tpm-rsp-probe-tpm12-fail", .tpm12),
            ("tpm-cmd-startup-tpm2", .tpm2), ("tpm-rsp-startup-tpm2", .tpm2),
            ("tpm-cmd-startup-tpm12", .tpm12), ("tpm-rsp-startup-tpm12", .tpm12),
            ("tpm-cmd-pcr-extend-tpm2", .tpm2), ("tpm-rsp-pcr-extend-tpm2", .tpm2),
            ("tpm-rsp-getcapability-tpm2", .tpm2), ("tpm-cmd-extend-tpm12", .tpm12), ("tpm-rsp-extend-tpm12", .tpm12),
            ("tpm-rsp-crb-size-ffffffff-tpm2", .tpm2),
        ]
        for (name, family) in messages {
            let message = try emulatorFixture(name)
            let header = try TPMMessageHeader(of: message)
            #expect(header.tag.family == family, "\(name)")
            #expect(Int(header.size) == message.count && header.bytes == Array(message.prefix(10)), "\(name)")
            try checkWireStructure(header, known: Array(message.prefix(10)))
        }
        #expect(try TPMMessageHeader(of: try emulatorFixture("tpm-cmd-pcr-extend-tpm2")).tag == .sessions)
    }

    @Test func aGuestsLyingSizeFieldReachesTheServerAsAnotherLengthAndIsRefused() throws {
        // tpm-crb sends min(size field, buffer) bytes, tpm-tis the bytes the guest wrote: the size
        // field cannot frame the data channel (swtpm 0.7.1 waits forever for the rest of the
        // 2- and 6-byte ones). The header check refuses all three.
        let huge = try emulatorFixture("tpm-cmd-crb-size-ffffffff-tpm2")
        #expect(huge.count == 3968 && Array(huge.prefix(6)) == hexBytes("8001 ffffffff"))
        guard case .parse(let failure)? = headerError(huge), case .lengthTooLarge(field: "size", value: 0xffff_ffff, maximum: 4096) = failure.kind
        else {
            Issue.record("a size field of 0xffffffff was not refused as too large")
            return
        }
        #expect(failure.offset == 2)
        #expect(try emulatorFixture("tpm-rsp-crb-size-ffffffff-tpm2") == hexBytes("8001 0000000a 00000142"))  // TPM_RC_COMMAND_SIZE

        let crbShort = try emulatorFixture("tpm-cmd-crb-size-2-tpm2")
        #expect(crbShort == hexBytes("8001"))
        #expect(headerError(crbShort) != nil)
        let tisShort = try emulatorFixture("tpm-cmd-tis-size-2-tpm2")
        #expect(tisShort == hexBytes("8001 00000002"))
        guard case .parse(let short)? = headerError(tisShort), case .unexpectedValue(field: "size", value: 2) = short.kind else {
            Issue.record("a size field of 2 was not refused")
            return
        }
    }

    func headerError(_ message: [UInt8]) -> LoBotError? {
        do throws(LoBotError) {
            _ = try TPMMessageHeader(of: message)
            return nil
        } catch {
            return error
        }
    }

    @Test func theFirmwaresStartupIsRecognisedInBothFamilies() throws {
        let startup2 = try emulatorFrame(TPMStartupCommand.self, "tpm-cmd-startup-tpm2", fixedFieldOffsets: Array(0..<10))
        #expect(startup2 == TPMStartupCommand(family: .tpm2, startupType: 0) && !startup2.resumesState)  // TPM_SU_CLEAR
        let startup12 = try emulatorFrame(TPMStartupCommand.self, "tpm-cmd-startup-tpm12", fixedFieldOffsets: Array(0..<10))
        #expect(startup12 == TPMStartupCommand(family: .tpm12, startupType: 1) && !startup12.resumesState)  // TPM_ST_CLEAR
        #expect(TPMStartupCommand(family: .tpm2, startupType: 1).resumesState)
        #expect(TPMStartupCommand(family: .tpm12, startupType: 2).resumesState)
        // Another command of the same size is not a startup.
        #expect(parseError(TPMStartupCommand.self, hexBytes("8001 0000000c 0000017b 0008")) != nil)
        // Nor is a TPM 2.0 code under a TPM 1.2 tag.
        #expect(parseError(TPMStartupCommand.self, hexBytes("00c1 0000000c 00000144 0000")) != nil)
    }

    @Test func failureResponsesAreTheHeaderAloneInTheServersFamily() {
        #expect(TPMMessageHeader.failureResponse(.tpm2).bytes == hexBytes("8001 0000000a 00000101"))
        #expect(TPMMessageHeader.failureResponse(.tpm12).bytes == hexBytes("00c4 0000000a 00000009"))
        #expect(TPMTag(rawValue: 0x1234).family == nil)
    }

    // MARK: Framing

    @Test func framingSaysTheLengthOfEveryCapturedRequestAndNeverCompletesEarly() throws {
        for name in Self.allRequestNames {
            let request = try emulatorFixture(name)
            #expect(try ControlFraming.requestLength(request) == request.count, "\(name)")
            for length in 0..<request.count {
                let prefix = Array(request.prefix(length))
                let need = try ControlFraming.requestLength(prefix)
                #expect(need > length && need <= request.count, "\(name): prefix of \(length) said \(need)")
            }
        }
    }

    @Test func aStreamOfRequestsSplitsBackIntoItsRequests() throws {
        let requests = try Self.allRequestNames.map(emulatorFixture)
        let stream = requests.flatMap { $0 }
        var split: [[UInt8]] = []
        var start = 0
        while start < stream.count {
            // Read as a server reads: only what the framing asks for, a few bytes at a time.
            var request: [UInt8] = []
            while true {
                let need = try ControlFraming.requestLength(request)
                guard request.count < need else { break }
                let chunk = min(need - request.count, 3)
                request += stream[start + request.count..<start + request.count + chunk]
            }
            split.append(request)
            start += request.count
            _ = try ControlRequest(bytes: request)
        }
        #expect(split == requests)
    }

    @Test func framingAndParserAgreeOnEveryBitFlip() throws {
        // Whatever a flip does to a request (another command, another length), the framing's
        // verdict and the parser's agree: complete at exactly these bytes, or refused.
        for name in Self.allRequestNames {
            let request = try emulatorFixture(name)
            for index in 0..<min(request.count, 24) {
                for bit in 0..<8 {
                    var flipped = request
                    flipped[index] ^= UInt8(1) << UInt8(bit)
                    let need: Int?
                    do throws(LoBotError) { need = try ControlFraming.requestLength(flipped) } catch { need = nil }
                    let parsed: ControlRequest?
                    do throws(LoBotError) { parsed = try ControlRequest(bytes: flipped) } catch { parsed = nil }
                    if need == flipped.count {
                        #expect(parsed?.bytes == flipped, "\(name) byte \(index) bit \(bit): framed but not parsed back")
                    } else {
                        #expect(parsed == nil, "\(name) byte \(index) bit \(bit): framing said \(String(describing: need))")
                    }
                }
            }
        }
    }

    @Test func anUnknownCommandIsItsWordAlone() throws {
        #expect(try ControlFraming.requestLength(hexBytes("00000099 ffff")) == 4)
        #expect(try ControlRequest(bytes: hexBytes("00000099")) == .unknown(ControlCommand(rawValue: 0x99)))
        #expect(ControlCommand(rawValue: 0x99).name == "0x99")
        #expect(ControlCommand.setStateBlob.name == "SET_STATEBLOB")
        // swtpm 0.8's LOCK_STORAGE: known, so its body is skipped even by a server without it.
        #expect(try ControlFraming.requestLength(hexBytes("00000013")) == 8)
        #expect(try ControlRequest(bytes: hexBytes("00000013 0000012c")) == .lockStorage(LockStorageRequest(retries: 300)))
    }

    // MARK: Hostile lengths

    @Test func aStateBlobAboveTheCapIsRefusedBeforeItsBodyIsRead() throws {
        // SET_STATEBLOB, flags 0, type 1, length 1 MiB + 1: refused from the header alone.
        let header = hexBytes("0000000d 00000000 00000001 00100001")
        var framingFailure: LoBotError?
        do throws(LoBotError) { _ = try ControlFraming.requestLength(header) } catch { framingFailure = error }
        for error in [framingFailure, parseError(ControlRequest.self, header)] {
            guard case .parse(let failure)? = error,
                case .lengthTooLarge(field: "length", value: 0x10_0001, maximum: 0x10_0000) = failure.kind
            else {
                Issue.record("a 1 MiB + 1 state blob was not refused as too large: \(String(describing: error))")
                continue
            }
            #expect(failure.offset == 12 && failure.structure == "ptm_setstate request")
        }
        // At the cap, the framing asks for the whole blob.
        #expect(try ControlFraming.requestLength(hexBytes("0000000d 00000000 00000001 00100000")) == 16 + (1 << 20))
        // The largest length there is, too.
        #expect(throws: LoBotError.self) { try ControlFraming.requestLength(hexBytes("0000000d 00000000 00000001 ffffffff")) }
        // HASH_DATA's chunk, GET_INFO's text, GET_STATEBLOB's blob, a TPM message.
        #expect(throws: LoBotError.self) { try ControlFraming.requestLength(hexBytes("00000007 00001001")) }
        #expect(try ControlFraming.requestLength(hexBytes("00000007 00001000")) == 8 + 4096)
        #expect(parseError(GetInfoResponse.self, hexBytes("00000000 00000c01 00000c01")) != nil)
        #expect(parseError(GetStateBlobResponse.self, hexBytes("00000000 00000000 ffffffff ffffffff")) != nil)
        #expect(parseError(TPMMessageHeader.self, hexBytes("8001 00001001 00000000")) != nil)
        #expect(try TPMMessageHeader(bytes: hexBytes("8001 00001000 00000000")).size == 4096)
    }

    @Test func aStateBlobResponseHasOneForm() throws {
        let good = try emulatorFixture("rsp-get-stateblob-permanent-tpm12")
        // totlength and length must agree: flip any bit of either and it is refused.
        for index in 8..<16 {
            for bit in 0..<8 {
                var flipped = good
                flipped[index] ^= UInt8(1) << UInt8(bit)
                #expect(parseError(GetStateBlobResponse.self, flipped) != nil, "byte \(index) bit \(bit)")
            }
        }
        // An error result with a blob after it.
        #expect(parseError(GetStateBlobResponse.self, hexBytes("00000009 00000000 00000001 00000001 aa")) != nil)
        #expect(try GetStateBlobResponse(bytes: hexBytes("00000800 00000000 00000000 00000000")).result == .retry)
    }

    @Test func anEstablishedBitIsZeroOrOneWithZeroPadding() {
        #expect(parseError(EstablishedResponse.self, hexBytes("00000000 02 000000")) != nil)
        #expect(parseError(EstablishedResponse.self, hexBytes("00000000 01 000100")) != nil)
    }

    // MARK: Every body, laid out by hand from tpm_ioctl.h

    @Test func bodiesLaidOutByHand() throws {
        try checkWireStructure(InitRequest(flags: .deleteVolatile), known: hexBytes("00000001"))
        try checkWireStructure(LocalityRequest(locality: 4), known: hexBytes("04 000000"))
        try checkWireStructure(BufferSizeRequest(bufferSize: 4096), known: hexBytes("00001000"))
        try checkWireStructure(
            BufferSizeResponse(bufferSize: 3968, minimumSize: 2808, maximumSize: 4096), known: hexBytes("00000000 00000f80 00000af8 00001000"))
        try checkWireStructure(GetStateBlobRequest(flags: .decrypted, type: .volatile), known: hexBytes("00000001 00000002 00000000"))
        try checkWireStructure(
            GetStateBlobResponse(flags: .encrypted, blob: [0xaa, 0xbb]), known: hexBytes("00000000 00000002 00000002 00000002 aabb"))
        try checkWireStructure(
            SetStateBlobRequest(flags: .encrypted, type: .saveState, blob: [1, 2, 3]), known: hexBytes("00000002 00000003 00000003 010203"))
        try checkWireStructure(EstablishedResponse(established: true), known: hexBytes("00000000 01 000000"), fixedFieldOffsets: [5, 6, 7])
        try checkWireStructure(CapabilityResponse(capabilities: .qemuMinimumTPM2), known: hexBytes("00000000 0000348f"))
        try checkWireStructure(GetConfigResponse(flags: [.fileKey, .migrationKey]), known: hexBytes("00000000 00000003"))
        try checkWireStructure(ResultResponse(.badLocality), known: hexBytes("0000003d"))
        try checkWireStructure(HashDataRequest(data: [0x61]), known: hexBytes("00000001 61"))
        try checkWireStructure(GetInfoRequest(flags: 2, offset: 5), known: hexBytes("0000000000000002 00000005 00000000"))
        try checkWireStructure(GetInfoResponse(totalLength: 3, text: [0x7b, 0x7d, 0]), known: hexBytes("00000000 00000003 00000003 7b7d00"))
        try checkWireStructure(LockStorageRequest(retries: 300), known: hexBytes("0000012c"))
        try checkWireStructure(
            ControlRequest.setStateBlob(SetStateBlobRequest(type: .permanent, blob: [9])), known: hexBytes("0000000d 00000000 00000001 00000001 09"))
        try checkWireStructure(TPMMessageHeader(tag: .responseCommand, size: 30, code: 0), known: hexBytes("00c4 0000001e 00000000"))
        #expect(ControlCapabilities.qemuMinimumTPM12.rawValue == 0x340f)
    }
}
