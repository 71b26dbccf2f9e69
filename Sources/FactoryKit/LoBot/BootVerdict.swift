// The factory's decision on a LoBot boot (LSM step 10): trusted (10a) only if every check
// holds, each failure named:
//   1. the platform quote is signed by the platform's enrolled AIK over the nonce issued for it;
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
            let platformKey = try platformAIK(evidence.platform, in: db)
            let vtpmAIK = try loBotKey(evidence.lobot, purpose: .vtpmIdentity, in: db)
            let imageGolden = try golden(evidence.image)
            let platformGolden = try evidence.platformGolden.map { (name) throws(FactoryError) in try golden(name) }
            try factoryCore { () throws(LoBotError) in
                try platformQuote.verify(aik: platformKey, expectedNonce: evidence.platformNonce)
                // A LoBot VM's platform has firmware that logged PCRs 0-5 and 7; a host-mode LoBot_D's
                // platform has none, so there the platform's golden values are what vouch for them.
                if !result.firmwareLog.isEmpty {
                    let firmware = try FirmwareEventLog(bytes: result.firmwareLog).replay()
                    for index in [0, 1, 2, 3, 4, 5, 7] where platformQuote.composite.value(of: index) != firmware[index] {
                        throw LoBotError.pcrMismatch("platform PCR \(index) is not what its firmware event log says")
                    }
                    guard result.platformPCR6Before == firmware[BootMeasurements.bindingPCR] else {
                        throw LoBotError.pcrMismatch("platform PCR 6 before the LoBot is not its firmware value")
                    }
                } else if platformGolden == nil {
                    throw LoBotError.invalidArgument("no firmware event log and no platform golden values: nothing vouches for the platform's PCRs")
                }
                if let platformGolden { try platformGolden.check(platformQuote.composite) }
                try vtpmQuote.verify(aik: try vtpmAIK.rsaPublicKey(), expectedNonce: evidence.vtpmNonce)
                try imageGolden.check(vtpmQuote.composite)
                let identity = try PCRComposite(
                    selection: try PCRSelection(BootMeasurements.identityPCRs),
                    values: try BootMeasurements.identityPCRs.map { (i) throws(LoBotError) in try Self.value(vtpmQuote, i) })
                // PCR 6 = SHA-1(before || identity): only an extension by this LoBot's identity, last, gives it.
                let platformPCR6 = try SHA1Digest.of(result.platformPCR6Before.value + (try identity.compositeHash()).value)
                guard platformQuote.composite.value(of: BootMeasurements.bindingPCR) == platformPCR6 else {
                    throw LoBotError.pcrMismatch("platform PCR 6 does not carry this LoBot's measurements")
                }
                let platformSeven = try PCRComposite(
                    selection: try PCRSelection(Array(0...6)),
                    values: try (0...6).map { (i) throws(LoBotError) in try Self.value(platformQuote, i) })
                let vtpmPCR6 = try SHA1Digest.of(SHA1Digest.zero.value + (try platformSeven.compositeHash()).value)
                guard vtpmQuote.composite.value(of: BootMeasurements.bindingPCR) == vtpmPCR6 else {
                    throw LoBotError.pcrMismatch("vTPM PCR 6 does not carry this platform's PCRs 0-6")
                }
                let replayed = try result.vtpmLog.replay()
                for (i, index) in vtpmQuote.composite.selection.indices.enumerated() where replayed.values[index] != vtpmQuote.composite.values[i] {
                    throw LoBotError.pcrMismatch("the vTPM event log does not replay to its quoted PCR \(index)")
                }
            }
            return "trusted: \(evidence.lobot) booted image \(evidence.image) on \(evidence.platform)"
        }
    }

    static func value(_ quote: Quote, _ index: Int) throws(LoBotError) -> SHA1Digest {
        guard let value = quote.composite.value(of: index) else { throw .invalidArgument("the quote does not cover PCR \(index)") }
        return value
    }
}
