// The TPM 2.0 command bodies (LoBotCore/TPM2/Commands) against bytes the spec and tpm2-tools give:
// TPM2_PCR_Read's frame equals the one tpm2-tools sent swtpm (Fixtures/tpm2/pcrread.cmd) and its
// response parses; the authorization area's entries and TPMS_NV_PUBLIC pass the wire battery; a
// response whose parameterSize, authorization count or tag do not fit the command is refused; the
// key blob LoBot keeps passes the battery; the EK template L-1 makes the fixture EK's public area.
import LoBotCore
import TestSupport
import Testing

@Suite struct TPM2CommandTests {
    static func fixture(_ name: String) throws -> [UInt8] { try realFixture("tpm2", name) }

    @Test func pcrReadFrameIsTpm2ToolsFrame() throws {
        let command = TPM2PCRRead(TPMLPCRSelection([TPMSPCRSelection(.sha256, pcrs: [0, 16])]))
        #expect(command.frame().bytes == (try Self.fixture("pcrread.cmd")))
        let response = try TPM2Response(bytes: try Self.fixture("pcrread.rsp"))
        let read = try TPM2PCRRead.parseResponse(response, authorizations: 0).response
        #expect(read.pcrSelectionOut.pcrSelections.first?.pcrs == [0, 16])
        #expect(read.pcrValues.digests.count == 2)
        #expect(read.pcrValues.digests[0] == [UInt8](repeating: 0, count: 32))
    }

    /// TPM2_GetCapability(TPM_CAP_HANDLES) as Part 3, 30.2 lays it out; its response parses, writes
    /// back the same, and every truncation, a count above MAX_CAP_HANDLES, a moreData that is not
    /// 0 or 1 and another capability are refused. (A real swtpm's answer is read in
    /// PlatformTPM2Tests.leftoversOfAKilledProcessAreFlushedByTheNextConnection.)
    @Test func getCapabilityHandlesLayout() throws {
        #expect(TPM2GetCapabilityHandles(first: TPM2GetCapabilityHandles.transientObjects).frame().bytes
            == (hexBytes("8001 00000016 0000017a 00000001 80000000 000000fe")))
        let known = hexBytes("00 00000001 00000002 80000000 80000002")
        let parsed = try TPM2GetCapabilityHandles.parseParameters(handles: [], known)
        #expect(parsed == .init(moreData: false, handles: [0x8000_0000, 0x8000_0002]))
        var writer = ByteWriter()
        parsed.serialize(into: &writer)
        #expect(writer.bytes == known)
        for length in 0..<known.count {
            #expect(throws: LoBotError.self) { try TPM2GetCapabilityHandles.parseParameters(handles: [], Array(known.prefix(length))) }
        }
        for bad in ["02 00000001 00000000", "00 00000006 00000000", "00 00000001 000000ff"] {
            #expect(throws: LoBotError.self) { try TPM2GetCapabilityHandles.parseParameters(handles: [], hexBytes(bad)) }
        }
        #expect(throws: LoBotError.self) { try TPM2GetCapabilityHandles.parseParameters(handles: [], known + [0]) }
    }

    @Test func passwordAuthorizationLayout() throws {
        // TPM_RS_PW, empty nonce, continueSession, empty password (Part 1, 19.8.4).
        try checkWireStructure(TPMSAuthCommand.emptyPassword, known: hexBytes("40000009 0000 01 0000"))
        try checkWireStructure(
            TPMSAuthResponse(nonce: [], sessionAttributes: .continueSession, hmac: []),
            known: hexBytes("0000 01 0000"))
        // TPM2_PCR_Extend of PCR 16 with a password: handle, authorizationSize 9, the auth, TPML_DIGEST_VALUES.
        let digest = [UInt8](repeating: 0xab, count: 32)
        let frame = TPM2PCRExtend(pcr: 16, digests: [(.sha256, digest)]).frame(authorizations: [.emptyPassword])
        #expect(
            frame.bytes == hexBytes("8002 00000041 00000182 00000010 00000009 40000009 0000 01 0000 00000001 000b")
                + digest)
    }

    @Test func nvPublicLayout() throws {
        let counter = TPMSNVPublic(
            nvIndex: 0x0180_4C42, nameAlg: .sha256,
            attributes: [.counter, .ownerWrite, .authWrite, .ownerRead, .authRead, .noDA], dataSize: 8)
        try checkWireStructure(counter, known: hexBytes("01804c42 000b 02060016 0000 0008"))
        #expect(counter.attributes.type == 1)
    }

    @Test func responsesThatDoNotFitTheCommandAreRefused() throws {
        // NV_Increment answered as a command with one password authorization: parameterSize 0, one TPMS_AUTH_RESPONSE.
        let good = TPM2Response(sessions: true, responseCode: 0, body: hexBytes("00000000 0000 01 0000"))
        _ = try TPM2NVIncrement.parseResponse(good, authorizations: 1)
        // parameterSize past the parameters; no authorization back; a trailing byte; a tag without
        // sessions; sessions for a command sent without; a huge parameterSize.
        let bad: [(TPM2Response, Int)] = [
            (TPM2Response(sessions: true, responseCode: 0, body: hexBytes("00000001 0000 01 0000")), 1),
            (TPM2Response(sessions: true, responseCode: 0, body: hexBytes("00000000")), 1),
            (TPM2Response(sessions: true, responseCode: 0, body: hexBytes("00000000 0000 01 0000 00")), 1),
            (TPM2Response(sessions: false, responseCode: 0, body: []), 1),
            (TPM2Response(sessions: true, responseCode: 0, body: hexBytes("00000000 0000 01 0000")), 0),
            (TPM2Response(sessions: true, responseCode: 0, body: hexBytes("ffffffff 0000 01 0000")), 1),
        ]
        for (response, count) in bad {
            #expect(throws: LoBotError.self) { try TPM2NVIncrement.parseResponse(response, authorizations: count) }
        }
        // A TPM2B_ATTEST larger than LoBot reads is refused before it is read.
        let huge = TPM2Response(sessions: true, responseCode: 0, body: hexBytes("00000002 ffff"))
        #expect(throws: LoBotError.self) { try TPM2Quote.parseResponse(huge, authorizations: 1) }
    }

    @Test func keyBlobBattery() throws {
        let ak = try TPM2BPublic(bytes: try Self.fixture("ak.pub"))
        let privatePart = TPM2BPrivate([UInt8](repeating: 0x5a, count: 40))
        let blob = TPM2KeyBlob(kind: .attestation, privatePart: privatePart, publicPart: ak)
        let known = Array("LB2B".utf8) + [1, 1] + privatePart.bytes + ak.bytes
        try checkWireStructure(blob, known: known, fixedFieldOffsets: [0, 1, 2, 3, 4, 5])
        var unknownKind = known
        unknownKind[5] = 4  // the storage primary is never a blob
        #expect(throws: LoBotError.self) { try TPM2KeyBlob(bytes: unknownKind) }
    }

    @Test func ekTemplateMakesTheFixtureEK() throws {
        let ek = try TPM2BPublic(bytes: try Self.fixture("ek-rsa.pub")).publicArea
        var template = TPM2EndorsementKey.template
        template.key = ek.key
        #expect(template == ek)
    }
}
