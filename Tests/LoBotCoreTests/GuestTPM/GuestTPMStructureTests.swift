// The TPM commands LoBot sends to a guest's TPM and the responses it reads. Commands: bytes laid
// out by hand from the specifications (TPM 1.2 Part 3; TPM 2.0 Part 3), as commented beside each.
// Responses: real libtpms 0.9.2 responses (Fixtures/guest-tpm, see its README). Each structure is
// round-tripped, truncated at every length, given a trailing byte, and has its fixed fields
// (tag, size, ordinal or return code, and the like) flipped.
import Foundation
import LoBotCore
import LoBotGuestTPM
import Testing
import TestSupport

/// A captured libtpms response.
func guestTPMFixture(_ name: String) throws -> [UInt8] {
    let url = try #require(Bundle.module.url(forResource: name, withExtension: "bin", subdirectory: "Fixtures/guest-tpm"))
    return [UInt8](try Data(contentsOf: url))
}

/// The header's bytes: tag, size and ordinal / return code.
let header = Array(0..<10)

@Suite struct GuestTPMStructureTests {
    // MARK: TPM 1.2 commands

    @Test func tpm12Startup() throws {
        // tag 00c1, paramSize 0000000c, TPM_ORD_Startup 00000099, TPM_ST_CLEAR 0001.
        try checkWireStructure(TPM12StartupCommand(.clear), known: hexBytes("00c1 0000000c 00000099 0001"), fixedFieldOffsets: header)
    }

    @Test func tscPhysicalPresence() throws {
        // TSC_ORD_PhysicalPresence 4000000a, TPM_PHYSICAL_PRESENCE_CMD_ENABLE 0020 (swtpm_setup's first).
        try checkWireStructure(
            TSCPhysicalPresenceCommand(.commandEnable), known: hexBytes("00c1 0000000c 4000000a 0020"), fixedFieldOffsets: header)
        try checkWireStructure(
            TSCPhysicalPresenceCommand(.present), known: hexBytes("00c1 0000000c 4000000a 0008"), fixedFieldOffsets: header)
    }

    @Test func tpm12PhysicalEnable() throws {
        try checkWireStructure(TPM12PhysicalEnableCommand(), known: hexBytes("00c1 0000000a 0000006f"), fixedFieldOffsets: header)
    }

    @Test func tpm12PhysicalSetDeactivated() throws {
        // TPM_ORD_PhysicalSetDeactivated 00000072, state FALSE 00.
        let known = hexBytes("00c1 0000000b 00000072 00")
        try checkWireStructure(TPM12PhysicalSetDeactivatedCommand(deactivated: false), known: known, fixedFieldOffsets: header)
        // A BOOL is 0 or 1.
        #expect(parseError(TPM12PhysicalSetDeactivatedCommand.self, hexBytes("00c1 0000000b 00000072 02")) != nil)
    }

    @Test func tpm12CreateEndorsementKeyPair() throws {
        // TPM_ORD_CreateEndorsementKeyPair 00000078, antiReplay (20 x 4e), keyInfo: TPM_ALG_RSA
        // 00000001, TPM_ES_RSAESOAEP_SHA1_MGF1 0003, TPM_SS_NONE 0001, parmSize 0000000c,
        // keyLength 00000800, numPrimes 00000002, exponentSize 00000000. swtpm_setup sends the same
        // 54 bytes with its own nonce.
        let known = hexBytes("00c1 00000036 00000078") + [UInt8](repeating: 0x4E, count: 20)
            + hexBytes("00000001 0003 0001 0000000c 00000800 00000002 00000000")
        let command = TPM12CreateEndorsementKeyPairCommand(antiReplay: try #require(TPMNonce([UInt8](repeating: 0x4E, count: 20))))
        try checkWireStructure(command, known: known, fixedFieldOffsets: header)
    }

    @Test func tpm12Extend() throws {
        // TPM_ORD_Extend 00000014, pcrNum 00000009, inDigest (20 x 11).
        let known = hexBytes("00c1 00000022 00000014 00000009") + [UInt8](repeating: 0x11, count: 20)
        try checkWireStructure(TPM12ExtendCommand(pcrNum: 9, inDigest: digest(0x11)), known: known, fixedFieldOffsets: header)
    }

    @Test func tpm12PCRRead() throws {
        try checkWireStructure(TPM12PCRReadCommand(pcrIndex: 9), known: hexBytes("00c1 0000000e 00000015 00000009"), fixedFieldOffsets: header)
    }

    @Test func tpm12GetRandom() throws {
        try checkWireStructure(TPM12GetRandomCommand(bytesRequested: 16), known: hexBytes("00c1 0000000e 00000046 00000010"), fixedFieldOffsets: header)
    }

    // MARK: TPM 1.2 responses (libtpms)

    @Test func tpm12EmptyResponses() throws {
        for name in ["tpm12-startup-response", "tpm12-physical-presence-response", "tpm12-physical-enable-response",
                     "tpm12-physical-set-deactivated-response"] {
            try checkWireStructure(TPM12EmptyResponse(), known: try guestTPMFixture(name), fixedFieldOffsets: header)
        }
    }

    @Test func tpm12CreateEndorsementKeyPairResponse() throws {
        let known = try guestTPMFixture("tpm12-create-endorsement-key-pair-response")
        let response = try TPM12CreateEndorsementKeyPairResponse(bytes: known)
        // The EK swtpm_setup asks for, and the checksum over it and the capture's nonce (20 x 4e).
        #expect(response.pubEndorsementKey.algorithmParms == TPM12CreateEndorsementKeyPairCommand.endorsementKeyParms)
        #expect(response.pubEndorsementKey.modulus.count == 256)
        #expect(try response.checksumMatches(try #require(TPMNonce([UInt8](repeating: 0x4E, count: 20)))))
        #expect(try !response.checksumMatches(try #require(TPMNonce([UInt8](repeating: 0x4F, count: 20)))))
        try checkWireStructure(response, known: known, fixedFieldOffsets: header)
    }

    @Test func tpm12ExtendAndPCRReadResponses() throws {
        // PCR 9 from zero, extended with (20 x 11): SHA-1(0^20 || 11^20).
        let value = independentHash(.sha1, [UInt8](repeating: 0, count: 20) + [UInt8](repeating: 0x11, count: 20))
        let extended = try TPM12PCRValueResponse(bytes: try guestTPMFixture("tpm12-extend-response"))
        #expect(extended.outDigest.value == value)
        try checkWireStructure(extended, known: try guestTPMFixture("tpm12-extend-response"), fixedFieldOffsets: header)
        let read = try TPM12PCRValueResponse(bytes: try guestTPMFixture("tpm12-pcrread-response"))
        #expect(read.outDigest.value == value)
        try checkWireStructure(read, known: try guestTPMFixture("tpm12-pcrread-response"), fixedFieldOffsets: header)
    }

    @Test func tpm12GetRandomResponse() throws {
        let known = try guestTPMFixture("tpm12-getrandom-response")
        let response = try TPM12GetRandomResponse(bytes: known)
        #expect(response.randomBytes.count == 16)
        try checkWireStructure(response, known: known, fixedFieldOffsets: header)
    }

    @Test func errorResponses() throws {
        // libtpms' answers to an empty command: TPM_BAD_PARAM_SIZE, TPM_RC_INSUFFICIENT.
        let tpm12 = try guestTPMFixture("tpm12-error-response")
        #expect(tpm12 == hexBytes("00c4 0000000a 00000019"))
        try checkWireStructure(TPMErrorResponse(.tpm12, 0x19), known: tpm12, fixedFieldOffsets: Array(0..<6))
        let tpm2 = try guestTPMFixture("tpm2-error-response")
        #expect(tpm2 == hexBytes("8001 0000000a 0000009a"))
        try checkWireStructure(TPMErrorResponse(.tpm20, 0x9A), known: tpm2, fixedFieldOffsets: Array(0..<6))
        // A success is not an error response, and the engine's own answers have the family's form.
        #expect(parseError(TPMErrorResponse.self, hexBytes("8001 0000000a 00000000")) != nil)
        #expect(TPMErrorResponse.failure(.tpm12).bytes == hexBytes("00c4 0000000a 00000009"))
        #expect(TPMErrorResponse.commandSize(.tpm20).bytes == hexBytes("8001 0000000a 00000142"))
    }

    // MARK: TPM 2.0 commands

    @Test func tpm2StartupAndShutdown() throws {
        // TPM_ST_NO_SESSIONS 8001, commandSize 0000000c, TPM_CC_Startup 00000144, TPM_SU_CLEAR 0000.
        try checkWireStructure(TPM2StartupCommand(.clear), known: hexBytes("8001 0000000c 00000144 0000"), fixedFieldOffsets: header)
        // TPM_CC_Shutdown 00000145, TPM_SU_STATE 0001.
        try checkWireStructure(TPM2ShutdownCommand(.state), known: hexBytes("8001 0000000c 00000145 0001"), fixedFieldOffsets: header)
    }

    @Test func tpm2PCRExtend() throws {
        // TPM_ST_SESSIONS 8002, commandSize 00000057, TPM_CC_PCR_Extend 00000182, pcrHandle 00000009,
        // authorizationSize 00000009 { TPM_RS_PW 40000009, nonce 0000, attributes 00, hmac 0000 },
        // TPML_DIGEST_VALUES count 00000002 { TPM_ALG_SHA1 0004 (20 x 11), TPM_ALG_SHA256 000b (32 x 22) }.
        let known = hexBytes("8002 00000057 00000182 00000009 00000009 40000009 0000 00 0000 00000002 0004")
            + [UInt8](repeating: 0x11, count: 20) + hexBytes("000b") + [UInt8](repeating: 0x22, count: 32)
        let digests = TPMLDigestValues([
            try #require(TPMTHA(.sha1, [UInt8](repeating: 0x11, count: 20))),
            try #require(TPMTHA(.sha256, [UInt8](repeating: 0x22, count: 32))),
        ])
        try checkWireStructure(
            TPM2PCRExtendCommand(pcrHandle: 9, digests: digests), known: known, fixedFieldOffsets: header + Array(14..<22))
        // A digest of an algorithm LoBot does not know cannot be read past (its size is unknown).
        var unknown = known
        unknown[32] = 0x12  // the first TPMT_HA's hashAlg: 0x0012
        #expect(parseError(TPM2PCRExtendCommand.self, unknown) != nil)
        // Lengths are the algorithms'.
        #expect(TPMTHA(.sha256, [UInt8](repeating: 0, count: 20)) == nil)
    }

    @Test func tpm2PCRRead() throws {
        // TPM_CC_PCR_Read 0000017e, TPML_PCR_SELECTION count 00000002 { 0004 03 000200, 000b 03 000200 } (PCR 9).
        let known = hexBytes("8001 0000001a 0000017e 00000002 0004 03 000200 000b 03 000200")
        let command = TPM2PCRReadCommand(TPMLPCRSelection([TPMSPCRSelection(.sha1, pcrs: [9]), TPMSPCRSelection(.sha256, pcrs: [9])]))
        try checkWireStructure(command, known: known, fixedFieldOffsets: header)
        #expect(command.pcrSelectionIn.pcrSelections.map(\.pcrs) == [[9], [9]])
        // A selection of more than 64 PCRs is refused before allocating.
        #expect(parseError(TPMSPCRSelection.self, hexBytes("0004 09 000000000000000000")) != nil)
    }

    @Test func tpm2GetCapability() throws {
        // TPM_CC_GetCapability 0000017a, TPM_CAP_PCRS 00000005, property 00000000, propertyCount 00000001.
        try checkWireStructure(
            TPM2GetCapabilityCommand.pcrAllocation, known: hexBytes("8001 00000016 0000017a 00000005 00000000 00000001"),
            fixedFieldOffsets: header)
    }

    @Test func tpm2PCRAllocate() throws {
        // TPM_CC_PCR_Allocate 0000012b, TPM_RH_PLATFORM 4000000c, the empty password session,
        // TPML_PCR_SELECTION count 00000002 { SHA-256 000b 03 ffffff, SHA-384 000c 03 000000 }.
        let known = hexBytes("8002 0000002b 0000012b 4000000c 00000009 40000009 0000 00 0000 00000002 000b 03 ffffff 000c 03 000000")
        let command = TPM2PCRAllocateCommand(
            pcrAllocation: TPMLPCRSelection([TPMSPCRSelection(.sha256, pcrs: Array(0..<24)), TPMSPCRSelection(.sha384, pcrs: [])]))
        try checkWireStructure(command, known: known, fixedFieldOffsets: header + Array(10..<22))
    }

    @Test func tpm2GetRandom() throws {
        try checkWireStructure(TPM2GetRandomCommand(bytesRequested: 16), known: hexBytes("8001 0000000c 0000017b 0010"), fixedFieldOffsets: header)
    }

    // MARK: TPM 2.0 responses (libtpms)

    @Test func tpm2EmptyResponses() throws {
        for name in ["tpm2-startup-response", "tpm2-shutdown-response"] {
            try checkWireStructure(TPM2EmptyResponse(), known: try guestTPMFixture(name), fixedFieldOffsets: header)
        }
    }

    @Test func tpm2GetCapabilityPCRsResponse() throws {
        // Freshly manufactured by libtpms: four banks, all 24 PCRs allocated in each.
        let known = try guestTPMFixture("tpm2-getcapability-pcrs-response")
        let response = try TPM2GetCapabilityPCRsResponse(bytes: known)
        #expect(!response.moreData)
        #expect(response.assignedPCR.pcrSelections.map(\.algorithm) == [.sha1, .sha256, .sha384, .sha512])
        #expect(response.assignedPCR.pcrSelections.allSatisfy { $0.pcrs == Array(0..<24) })
        try checkWireStructure(response, known: known, fixedFieldOffsets: header + Array(11..<15))
    }

    @Test func tpm2PCRAllocateResponse() throws {
        let known = try guestTPMFixture("tpm2-pcr-allocate-response")
        let response = try TPM2PCRAllocateResponse(bytes: known)
        #expect(response.allocationSuccess)
        #expect(response.maxPCR == 24)
        try checkWireStructure(response, known: known, fixedFieldOffsets: header + Array(10..<14))
    }

    @Test func tpm2PCRExtendAndReadResponses() throws {
        let extended = try guestTPMFixture("tpm2-pcr-extend-response")
        try checkWireStructure(try TPM2PCRExtendResponse(bytes: extended), known: extended, fixedFieldOffsets: header + Array(10..<14))
        // PCR 9 from zero, extended with (20 x 11) in SHA-1 and (32 x 22) in SHA-256.
        let known = try guestTPMFixture("tpm2-pcr-read-response")
        let read = try TPM2PCRReadResponse(bytes: known)
        #expect(read.pcrSelectionOut.pcrSelections.map(\.pcrs) == [[9], [9]])
        #expect(read.pcrValues.digests == [
            independentHash(.sha1, [UInt8](repeating: 0, count: 20) + [UInt8](repeating: 0x11, count: 20)),
            independentHash(.sha256, [UInt8](repeating: 0, count: 32) + [UInt8](repeating: 0x22, count: 32)),
        ])
        try checkWireStructure(read, known: known, fixedFieldOffsets: header)
    }

    @Test func tpm2GetRandomResponse() throws {
        let known = try guestTPMFixture("tpm2-getrandom-response")
        let response = try TPM2GetRandomResponse(bytes: known)
        #expect(response.randomBytes.count == 16)
        try checkWireStructure(response, known: known, fixedFieldOffsets: header)
    }
}
