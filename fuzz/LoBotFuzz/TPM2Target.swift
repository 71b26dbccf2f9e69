// The TPM 2.0 structures LoBot reads from a TPM 2.0, from tpm2-tools' files or from a message, each
// by a selector byte, with what the project then does with one: an object's Name, an OpenSSL RSA key
// from a TPMT_PUBLIC (same modulus or a violation), the quote's PCR selection, a TPMS_ATTEST's
// signature checked against the captured AK. Seeds: the bytes swtpm and tpm2-tools wrote
// (Tests/LoBotCoreTests/Fixtures/tpm2), each behind the selector that reads it. Selectors 10-14 are
// LoBot's own TPM 2.0 files, which come from a platform or the factory: the enrollment request and
// answer, a certified key, a quote file and a key blob, each with what LoBot then does with it (a
// key blob's shape check, a certification or quote checked against the captured AK). Selector 15 is
// TPM2_GetCapability's list of loaded handles, which PlatformTPM2 reads before flushing leftovers.
import Foundation
import LoBotCore

enum TPM2Target {
    static let count = 15

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
        case 10:
            if let request = roundTrip(TPM2IdentityRequest.self, data) {
                _ = attempt("TPM 2.0 EK", { () throws(LoBotError) in try TPM2EndorsementKey.check(request.endorsementKey.publicArea) })
                shaped(request.attestationKey.publicArea, as: .attestation)
            }
        case 11: roundTrip(TPM2EnrollmentAnswer.self, data)
        case 12:
            if let certified = roundTrip(TPM2CertifiedKey.self, data), let ak = capturedAK {
                // Only the certification swtpm made verifies with the captured AK and tpm2_certify's
                // qualifying data: any other bytes that do would be a forgery.
                if attempt("TPM 2.0 certification", { () throws(LoBotError) in
                    try certified.checkCertification(by: ak, nonce: [0x00, 0xff, 0x55, 0xaa], what: "key")
                }) != nil, certified.certifyInfo.attestationData.bytes != capturedCertification {
                    violation("TPM2CertifiedKey: a certification other than swtpm's verified with the captured AK")
                }
            }
        case 13:
            if let file = roundTrip(TPM2QuoteFile.self, data), let ak = capturedAK {
                if attempt("TPM 2.0 quote file", { () throws(LoBotError) in try file.verify(ak: ak, nonce: [UInt8](repeating: 0x11, count: 32)) }) != nil,
                    file.quoted.attestationData.bytes != capturedQuote
                {
                    violation("TPM2QuoteFile: a quote other than swtpm's verified with the captured AK")
                }
            }
        case 14:
            if let blob = roundTrip(TPM2KeyBlob.self, data) { shaped(blob.publicArea, as: blob.kind) }
        case 15:
            // TPM2_GetCapability's handle list, as PlatformTPM2 reads it before flushing leftovers.
            if let list = try? TPM2GetCapabilityHandles.parseParameters(handles: [], data) {
                var writer = ByteWriter()
                list.serialize(into: &writer)
                guard writer.bytes == data else { violation("GetCapability handles: the parsed list does not write back as read") }
            }
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

    /// A key LoBot would load or certify: passing the shape check means exactly the kind's template.
    static func shaped(_ area: TPMTPublic, as kind: TPM2KeyKind) {
        publicArea(area)
        guard attempt("TPM 2.0 key shape", { () throws(LoBotError) in try kind.check(area) }) != nil else { return }
        guard area.objectAttributes == kind.attributes, area.nameAlg == .sha256, area.authPolicy.buffer.isEmpty else {
            violation("TPM2KeyKind: a \(kind.name) not shaped as LoBot makes it passed the check")
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

    /// The TPMS_ATTEST bytes swtpm signed: the certification and the quote of the capture.
    static let capturedCertification: [UInt8] = FileManager.default.contents(atPath: fixtures + "/certify.attest").map { [UInt8]($0) } ?? []
    static let capturedQuote: [UInt8] = FileManager.default.contents(atPath: fixtures + "/quote.msg").map { [UInt8]($0) } ?? []

    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Tests/LoBotCoreTests/Fixtures/tpm2").path
    /// A provisioning's messages on a TPM 2.0 platform (Fixtures/tpm2-lsp).
    static let lspFixtures = fixtures + "-lsp"

    /// The seeds: each captured file under the selector that reads it, and the structures nested
    /// in it (the TPMT_PUBLIC in a TPM2B_PUBLIC, a TPMS_ATTEST with its size, the credential blob
    /// of a credential file, the selection and values of the TPM2_PCR_Read response).
    static func seeds(into seeds: inout SeedSet) {
        lobotSeeds(into: &seeds)
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

    /// LoBot's TPM 2.0 files made from the capture's keys, attestations and signatures (the
    /// factory's CA certificate standing in for the EK's), and the key templates as blobs.
    static func lobotSeeds(into seeds: inout SeedSet) {
        func read(_ name: String) -> [UInt8]? { FileManager.default.contents(atPath: fixtures + "/" + name).map { [UInt8]($0) } }
        guard let ek = read("ek-rsa.pub").flatMap({ try? TPM2BPublic(bytes: $0) }), let ak = read("ak.pub").flatMap({ try? TPM2BPublic(bytes: $0) }),
            let certifyAttest = read("certify.attest").flatMap({ try? TPMSAttest(bytes: $0) }),
            let certifySignature = read("certify.sig").flatMap({ try? TPMTSignature(bytes: $0) }),
            let bindKey = read("bind-key.pub").flatMap({ try? TPM2BPublic(bytes: $0) }),
            let quote = read("quote.msg").flatMap({ try? TPMSAttest(bytes: $0) }),
            let quoteSignature = read("quote.sig").flatMap({ try? TPMTSignature(bytes: $0) }), let pcrs = read("quote.pcrs"),
            let credential = read("credential.out").flatMap({ try? TPM2CredentialFile(bytes: $0) })
        else { return }
        let certificate = FileManager.default.contents(atPath: fixtures + "/../factory/ca.cert").map { [UInt8]($0) } ?? [0x30]
        seeds.add(.tpm2, 10, "lobot-request", TPM2IdentityRequest(
            label: Array("p1".utf8), endorsementKey: ek.publicArea, attestationKey: ak.publicArea, endorsementCertificate: certificate).bytes)
        seeds.add(.tpm2, 11, "lobot-answer", TPM2EnrollmentAnswer(
            credentialBlob: credential.credentialBlob, secret: credential.secret, nonce: [UInt8](repeating: 7, count: 12),
            sealedCertificate: AESGCM.Sealed(ciphertext: Array(certificate.prefix(64)), tag: [UInt8](repeating: 9, count: 16))).bytes)
        seeds.add(.tpm2, 12, "lobot-certified", TPM2CertifiedKey(key: bindKey.publicArea, certifyInfo: certifyAttest, signature: certifySignature).bytes)
        let values = stride(from: 0, to: pcrs.count, by: 32).map { Array(pcrs[$0..<min($0 + 32, pcrs.count)]) }
        seeds.add(.tpm2, 13, "lobot-quote", TPM2QuoteFile(quoted: quote, signature: quoteSignature, values: values).bytes)
        for kind in [TPM2KeyKind.attestation, .bind, .signing] {
            var area = kind.template
            guard case .rsa(let parameters, _) = area.key else { continue }
            area.key = .rsa(parameters: parameters, modulus: TPM2BPublicKeyRSA([0xc1] + [UInt8](repeating: 0x5a, count: 255)))
            seeds.add(.tpm2, 14, "lobot-blob-" + kind.name.replacingOccurrences(of: " ", with: "-"), TPM2KeyBlob(kind: kind, privatePart: TPM2BPrivate([UInt8](repeating: 3, count: 48)),
                                                                       publicPart: TPM2BPublic(area)).bytes)
        }
    }
}

