// The factory's decision on a LoBot boot (LSM step 10): trusted (10a) only if every check
// holds, each failure named; a TPM 1.2 platform's PCRs are its SHA-1 bank's, a TPM 2.0's its
// SHA-256 bank's, and PlatformBinding says how each binds to LoBot_D:
//   1. the platform quote is signed by the platform's enrolled AIK (AK) over the nonce issued for it;
//   2. the firmware event log replays to the quoted PCRs 0-5 and 7 (so they are explained), or,
//      for a platform without firmware (LoBot_D as a host process), its golden values are given;
//   3. with platform golden values, the quoted PCRs equal them;
//   4. the vTPM quote is signed by the LoBot's certified vTPM AIK over its nonce;
//   5. the vTPM's PCRs 0-5 equal the image's predicted values (the LoBot booted is the one baked);
//   6. the platform's PCR 6 is its value before extended with the vTPM's PCRs 0-5, last, and the vTPM's
//      PCR 6 is the platform's PCRs 0-6 -- the two are bound to each other in this boot;
//   7. the vTPM event log replays to its quote.
import Foundation
import GRDB
import LoBotCore

extension Factory {
    package struct BootEvidence {
        package let result: BootResult
        package let platform: String
        package let lobot: String
        package let image: String
        package let platformNonce: TPMNonce
        package let vtpmNonce: TPMNonce
        package let platformGolden: String?

        package init(result: BootResult, platform: String, lobot: String, image: String, platformNonce: TPMNonce, vtpmNonce: TPMNonce,
                     platformGolden: String?) {
            self.result = result
            self.platform = platform
            self.lobot = lobot
            self.image = image
            self.platformNonce = platformNonce
            self.vtpmNonce = vtpmNonce
            self.platformGolden = platformGolden
        }
    }

    /// Decides; logs "trusted" as accepted, any failed check as refused with its reason.
    package func verifyBoot(_ evidence: BootEvidence) throws(FactoryError) {
        try decide(action: "verify-boot", subject: "\(evidence.lobot) on \(evidence.platform)") { (db) throws(FactoryError) in
            let result = evidence.result
            guard result.succeeded, let platformQuote = result.platformQuote, let vtpmQuote = result.vtpmQuote else {
                throw .refused("the LoBot VM reported a failure: \(result.message)")
            }
            try database.consumeNonce(evidence.platformNonce, owner: evidence.platform, purpose: "quote", in: db)
            try database.consumeNonce(evidence.vtpmNonce, owner: evidence.lobot, purpose: "quote", in: db)
            let platformKey = try platformAttestationKey(evidence.platform, in: db)
            guard platformQuote.family == platformKey.family else {
                throw .refused("the platform quote is a \(platformQuote.family.name)'s; \(evidence.platform) enrolled a \(platformKey.family.name)")
            }
            let vtpmAIK = try loBotKey(evidence.lobot, purpose: .vtpmIdentity, in: db)
            let imageGolden = try golden(evidence.image)
            let platformGolden = try evidence.platformGolden.map { (name) throws(FactoryError) in try self.platformGolden(name, for: platformKey.family) }
            if result.firmwareLog.isEmpty, platformGolden == nil {
                throw .core(.invalidArgument("no firmware event log and no platform golden values: nothing vouches for the platform's PCRs"))
            }
            // 1-3: the platform's quoted PCRs, each check in its family's terms.
            let platformPCRs = try verifiedPlatformPCRs(platformQuote, key: platformKey, result: result, evidence: evidence, golden: platformGolden)
            let family = platformQuote.family
            try factoryCore { () throws(LoBotError) in
                try vtpmQuote.verify(aik: try vtpmAIK.rsaPublicKey(), expectedNonce: evidence.vtpmNonce)
                try imageGolden.check(vtpmQuote.composite)
                let identity = try PCRComposite(
                    selection: try PCRSelection(BootMeasurements.identityPCRs),
                    values: try BootMeasurements.identityPCRs.map { (i) throws(LoBotError) in try Self.value(vtpmQuote, i) })
                // PCR 6 = H(before || identity): only an extension by this LoBot's identity, last, gives it.
                let platformPCR6 = try PlatformBinding.extended(
                    result.platformPCR6Before, by: try PlatformBinding.platformExtension(identity: identity, family: family), family: family)
                guard platformPCRs[BootMeasurements.bindingPCR] == platformPCR6 else {
                    throw LoBotError.pcrMismatch("platform PCR 6 does not carry this LoBot's measurements")
                }
                let platformSeven = try PlatformBinding.vtpmExtension(platformValues: platformPCRs, family: family)
                let vtpmPCR6 = try SHA1Digest.of(SHA1Digest.zero.value + platformSeven.value)
                guard vtpmQuote.composite.value(of: BootMeasurements.bindingPCR) == vtpmPCR6 else {
                    throw LoBotError.pcrMismatch("vTPM PCR 6 does not carry this platform's PCRs 0-6")
                }
                let replayed = try result.vtpmLog.replay()
                for (i, index) in vtpmQuote.composite.selection.indices.enumerated() where replayed.values[index] != vtpmQuote.composite.values[i] {
                    throw LoBotError.pcrMismatch("the vTPM event log does not replay to its quoted PCR \(index)")
                }
            }
            return "trusted: \(evidence.lobot) booted image \(evidence.image) on \(evidence.platform) (\(family.name))"
        }
    }

    /// Checks 1-3 on the platform's quote; returns its PCRs 0-6 (SHA-1 or SHA-256 values), which bind it to LoBot_D.
    func verifiedPlatformPCRs(_ quote: PlatformQuote, key: PlatformPublicKey, result: BootResult, evidence: BootEvidence,
                              golden: PlatformGolden?) throws(FactoryError) -> [[UInt8]] {
        switch (quote, key) {
        case (.tpm12(let quote), .tpm12(let aik)):
            return try factoryCore { () throws(LoBotError) in
                try quote.verify(aik: try aik.rsaPublicKey(), expectedNonce: evidence.platformNonce)
                // A LoBot VM's platform has firmware that logged PCRs 0-5 and 7; a host-mode LoBot_D's
                // platform has none, so there the platform's golden values are what vouch for them.
                if !result.firmwareLog.isEmpty {
                    let firmware = try FirmwareEventLog(bytes: result.firmwareLog).replay()
                    for index in [0, 1, 2, 3, 4, 5, 7] where quote.composite.value(of: index) != firmware[index] {
                        throw LoBotError.pcrMismatch("platform PCR \(index) is not what its firmware event log says")
                    }
                    guard result.platformPCR6Before == firmware[BootMeasurements.bindingPCR].value else {
                        throw LoBotError.pcrMismatch("platform PCR 6 before the LoBot is not its firmware value")
                    }
                }
                if case .tpm12(let golden) = golden { try golden.check(quote.composite) }
                return try PlatformBinding.platformPCRs.map { (i) throws(LoBotError) in try Self.value(quote, i).value }
            }
        case (.tpm20(let file), .tpm20(let ak)):
            let evidence2 = try factoryCore { () throws(LoBotError) in
                try file.verify(ak: ak, nonce: evidence.platformNonce.value)
                let (signed, pcrs) = try file.toolFiles()
                return TPM2QuoteEvidence(quote: signed, pcrs: pcrs)
            }
            let sha256 = DigestAlgorithm.sha256.tpmAlgorithmID
            let quoted = evidence2.quote.quoted(evidence2.pcrs).filter { $0.bank == sha256 }
            // A LoBot VM's firmware logged in the crypto-agile format: its SHA-256 digests replay
            // to PCRs 0-5 and 7 and to PCR 6 before the LoBot.
            if !result.firmwareLog.isEmpty {
                try factoryCore { () throws(LoBotError) in
                    let firmware = try CryptoAgileEventLog(bytes: result.firmwareLog).replay(.sha256)
                    for index in [0, 1, 2, 3, 4, 5, 7] where quoted.first(where: { $0.pcr == index })?.value != firmware[index] {
                        throw LoBotError.pcrMismatch("platform SHA-256 PCR \(index) is not what its firmware event log says")
                    }
                    guard result.platformPCR6Before == firmware[BootMeasurements.bindingPCR] else {
                        throw LoBotError.pcrMismatch("platform SHA-256 PCR 6 before the LoBot is not its firmware value")
                    }
                }
            }
            if case .tpm20(let golden) = golden { try evidence2.check(golden: golden) }
            var values: [[UInt8]] = []
            for index in PlatformBinding.platformPCRs {
                guard let value = quoted.first(where: { $0.pcr == index })?.value else {
                    throw .core(.invalidArgument("the platform quote does not cover SHA-256 PCR \(index)"))
                }
                values.append(value)
            }
            return values
        default:
            throw .refused("the platform quote's family is not the enrolled key's")
        }
    }

    static func value(_ quote: Quote, _ index: Int) throws(LoBotError) -> SHA1Digest {
        guard let value = quote.composite.value(of: index) else { throw .invalidArgument("the quote does not cover PCR \(index)") }
        return value
    }
}

/// A session's platform golden values, in the form its destination's TPM quotes: PCRs of the
/// SHA-1 bank (TPM 1.2, `golden record`), or of the SHA-256 bank (TPM 2.0, `golden record
/// --platform --quote` of a TPM 2.0 quote).
package enum PlatformGolden {
    case tpm12(GoldenRecord)
    case tpm20(BankGoldenRecord)
}

extension Factory {
    package func platformGolden(_ name: String, for family: TPMFamily) throws(FactoryError) -> PlatformGolden {
        switch family {
        case .tpm12: return .tpm12(try golden(name))
        case .tpm2:
            do { return .tpm20(try bankGolden(name)) } catch {
                // Only an authentic TPM 1.2 record (SHA-1 composite) under the name is the wrong
                // kind of values; a damaged or forged record is refused for what is wrong with it.
                guard (try? golden(name)) != nil else { throw error }
                throw .invalidInput("golden values \(name) are not SHA-256 bank values, which a TPM 2.0 platform's quote is checked against (\(error))")
            }
        }
    }
}
