// The TPM 2.0 structures LoBot reads from a TPM 2.0, from tpm2-tools' files or from a message, each
// by a selector byte, with what the project then does with one: an object's Name, an OpenSSL RSA key
// from a TPMT_PUBLIC (same modulus or a violation), the quote's PCR selection, a TPMS_ATTEST's
// signature checked against the captured AK. Seeds: the bytes swtpm and tpm2-tools wrote
// (Tests/LoBotCoreTests/Fixtures/tpm2), each behind the selector that reads it.
import Foundation
import LoBotCore

enum TPM2Target {
    static let count = 10

    static func run(_ bytes: [UInt8]) {
        guard let input = Selected(bytes, count: count) else { return }
        let data = input.rest
        switch input.index {
        case 0:
            if let key = roundTrip(TPM2BPublic.self, data) { publicArea(key.publicArea) }
        case 1:
            if let area = roundTrip(TPMTPublic.self, data) { publicArea(area) }
        case 2:
            if let attest = roundTrip(TPMSAttest.self, data) { attested(attest) }
        case 3:
            if let sized = roundTrip(TPM2BAttest.self, data) { attested(sized.attestationData) }
        case 4:
            if let signature = roundTrip(TPMTSignature.self, data), let ak = capturedAK {
                // No fuzzed signature is the AK's over these bytes: accepting one would be a forgery.
                if attempt("TPM 2.0 signature", { () throws(LoBotError) in try signature.verify(data, key: ak) }) != nil {
                    violation("TPMT_SIGNATURE: a fuzzed signature verified with the captured AK")
                }
            }
        case 5:
            if let file = roundTrip(TPM2CredentialFile.self, data) { checkSerialization(file.credentialBlob, accepted: nil) }
        case 6: roundTrip(TPM2BIDObject.self, data)
        case 7:
            roundTrip(TPMLPCRSelection.self, data)
            roundTrip(TPMSPCRSelection.self, data)
        case 8: roundTrip(TPMLDigest.self, data)
        default:
            if let command = roundTrip(TPM2Command.self, data), command.bytes.count != data.count {
                violation("TPM 2.0 command accepted with a size that is not its length")
            }
            if let response = roundTrip(TPM2Response.self, data), response.responseCode != TPM2Response.success, !response.body.isEmpty {
                violation("TPM 2.0 response: a body after an error code")
            }
            roundTrip(TPM2BDigest.self, data)
            roundTrip(TPM2BName.self, data)
            roundTrip(TPM2BEncryptedSecret.self, data)
        }
    }

    /// A public area as LoBot uses one: its Name, and for RSA an OpenSSL key of the same modulus.
    static func publicArea(_ area: TPMTPublic) {
        if let name = attempt("TPM 2.0 Name", { () throws(LoBotError) in try area.name() }) {
            guard name.count >= 2, name[0] == UInt8(area.nameAlg.rawValue >> 8), name[1] == UInt8(area.nameAlg.rawValue & 0xff) else {
                violation("TPMT_PUBLIC: the Name does not start with nameAlg")
            }
        }
        guard case .rsa(_, let modulus) = area.key,
            let rsa = attempt("TPM 2.0 RSA key", { () throws(LoBotError) in try area.rsaPublicKey() })
        else { return }
        guard rsa.modulus == modulus.buffer else {
            violation("TPMT_PUBLIC: OpenSSL key has another modulus (\(rsa.modulus.count) bytes, \(modulus.buffer.count) given)")
        }
    }

    /// A TPMS_ATTEST as the factory reads one: its type matches its body, a quote's banks are read.
    static func attested(_ attest: TPMSAttest) {
        switch attest.attested {
        case .quote(let quote):
            guard attest.type == .attestQuote else { violation("TPMS_ATTEST: a quote under another type") }
            for selection in quote.pcrSelect.pcrSelections { _ = (selection.algorithm, selection.pcrs) }
        case .certify:
            guard attest.type == .attestCertify else { violation("TPMS_ATTEST: a certification under another type") }
        }
    }

    /// The RSASSA AK of the capture, nil if the fixtures are not beside the fuzzer's sources.
    static let capturedAK: TPMTPublic? = {
        guard let data = FileManager.default.contents(atPath: fixtures + "/ak.pub") else { return nil }
        return try? TPM2BPublic(bytes: [UInt8](data)).publicArea
    }()

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/LoBotCoreTests/Fixtures/tpm2").path

    /// The seeds: each captured file under the selector that reads it, and the structures nested
    /// in it (the TPMT_PUBLIC in a TPM2B_PUBLIC, a TPMS_ATTEST with its size, the credential blob
    /// of a credential file, the selection and values of the TPM2_PCR_Read response).
    static func seeds(into seeds: inout SeedSet) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: fixtures) else { return }
        for name in names.sorted() {
            guard let data = FileManager.default.contents(atPath: fixtures + "/" + name) else { continue }
            let bytes = [UInt8](data)
            if let key = try? TPM2BPublic(bytes: bytes) {
                seeds.add(.tpm2, 0, name, bytes)
                seeds.add(.tpm2, 1, name + "-area", key.publicArea.bytes)
            }
            if let attest = try? TPMSAttest(bytes: bytes) {
                seeds.add(.tpm2, 2, name, bytes)
                seeds.add(.tpm2, 3, name + "-sized", TPM2BAttest(attest).bytes)
            }
            if (try? TPMTSignature(bytes: bytes)) != nil { seeds.add(.tpm2, 4, name, bytes) }
            if let file = try? TPM2CredentialFile(bytes: bytes) {
                seeds.add(.tpm2, 5, name, bytes)
                seeds.add(.tpm2, 6, name + "-blob", file.credentialBlob.bytes)
            }
            if (try? TPM2Command(bytes: bytes)) != nil { seeds.add(.tpm2, 9, name, bytes) }
            if let response = try? TPM2Response(bytes: bytes) {
                seeds.add(.tpm2, 9, name, bytes)
                var reader = ByteReader(response.body)
                if (try? reader.readUInt32()) != nil, let selection = try? TPMLPCRSelection.parse(from: &reader),
                    let values = try? TPMLDigest.parse(from: &reader)
                {
                    seeds.add(.tpm2, 7, name + "-selection", selection.bytes)
                    seeds.add(.tpm2, 8, name + "-values", values.bytes)
                }
            }
        }
    }
}
