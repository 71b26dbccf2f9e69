// The trusted path of provisioning (LSP 10a, 11, 13 and the launch) decided by a real factory
// without a TPM: the destination's side is played in software from what the factory sent it.
// The LoBot package opens with platform-a's software bind key, so its vTPM (LoBotCore's own) boots
// as a host-mode LoBot_D and quotes; the platform quote is built with LoBotCore's Quote and signed
// with platform-a's software AIK; the golden values are the ones such a boot predicts.
import FactoryKit
import Foundation
import LoBotCore
import Testing

@Suite struct TrustedProvisioningTests {
    @Test func aTrustedBootGetsTheOfferAndOnlyTheRightProofGetsTheRelease() throws {
        let world = try FactoryWorld(provisioned: true)
        let factory = world.factory
        let a = world.a
        let open = try #require(world.open)
        let session = open.session
        let nonce = open.nonce
        let opened = try OpenBody(bytes: open.body)
        let package = try #require(try factory.proceed(try world.destinationKeys(a, session: session, nonce: nonce)).first?.message)

        // The destination opens the package with its bind key: the LoBot's vTPM, under its MSK.
        let body = try LoBotPackageBody(bytes: try package.openBody { (blob) throws(LoBotError) in try BoundData.unbind(blob, with: a.bind) })
        let msk = try MasterKey(bytes: try BoundData.unbind(body.boundMasterKey, with: a.bind))
        let vtpm = VTPM(state: try VTPMState(bytes: try StateFile(bytes: body.state).open(key: msk, path: "package")))
        vtpm.startup()

        // LoBot_D's boot as a host process: its identity in PCRs 0-5, bound to the platform's PCRs 0-6.
        let events = try BootMeasurements.hostEvents(agent: try Digest.sha256(Array("lobot".utf8)))
        for event in events {
            switch event.kind {
            case .measurement(let sha256): try vtpm.measure(pcr: event.pcr, sha256: sha256, name: event.name)
            case .extend(let digest): try vtpm.extend(pcr: event.pcr, digest: digest, name: event.name)
            case .reset: try vtpm.reset(pcr: event.pcr)
            }
        }
        let identity = try BootMeasurements.identityComposite(events)
        let platformSelection = try PCRSelection(Array(0...7))
        var platformValues = [SHA1Digest](repeating: .zero, count: 8)
        platformValues[6] = try SHA1Digest.of(SHA1Digest.zero.value + (try identity.compositeHash()).value)
        let platformPCRs = try PCRComposite(selection: platformSelection, values: platformValues)
        let platformSeven = try PCRComposite(selection: try PCRSelection(Array(0...6)), values: Array(platformValues[0...6]))
        try vtpm.extend(pcr: 6, digest: try platformSeven.compositeHash(), name: "platform PCRs 0-6")
        let vtpmQuote = try vtpm.quote(selection: try PCRSelection(Array(0...6)), nonce: opened.vtpmNonce)
        var platformQuote = Quote(form: .quote, localityAtRelease: 0, nonce: opened.quoteNonce, composite: platformPCRs, signature: [])
        platformQuote.signature = try a.aik.sign(digest: try Digest.sha1(try platformQuote.signedBytes()), algorithm: .sha1)

        // The golden values such a boot must match: the image's identity and the platform's PCRs.
        for (name, values) in [("image", identity), ("platform", platformPCRs)] {
            var record = GoldenRecord(name: name, values: values)
            try record.sign(with: factory.signer)
            try Files.writeAtomically(factory.goldenPath(name), record.bytes, permissions: 0o644)
        }
        let result = BootResult(succeeded: true, message: "booted", platformQuote: .tpm12(platformQuote), vtpmQuote: vtpmQuote,
                                platformPCR6Before: SHA1Digest.zero.value, vtpmLog: vtpm.log)
        let verdict = try factory.verdict(try a.message(.lobotReport, session: session, nonce: nonce, body: result.bytes))
        #expect(verdict.trusted, "\(verdict.reason)")
        #expect(verdict.reason == "LoBot_D on platform-a matches its golden values (platform quote by a TPM 1.2)")
        #expect(verdict.outgoing.map(\.name) == ["10-verdict-platform-a.msg", "11-domain-offer.msg"])
        try world.expectSession(session, "trusted")

        // Step 12: LoBot_D unseals the measurement (its PCRs 0-6 as quoted); the proof goes back.
        let offer = try #require(verdict.outgoing.last?.message)
        let sealed = try DomainOfferBody(bytes: try offer.openBody { (blob) throws(LoBotError) in try BoundData.unbind(blob, with: a.bind) }).sealed
        let secret = try DomainSecret(bytes: try vtpm.unseal(sealed))
        let wrong = try a.message(.domainReady, session: session, nonce: nonce, body: BytesBody([UInt8](repeating: 0, count: 32)).bytes)
        #expect(factoryError { () throws(FactoryError) in try factory.release(wrong) }
            == .refused("domain-ready proof from platform-a failed authentication"))
        try world.expectSession(session, "trusted")
        let proof = try DomainSecret.proof(confirmation: secret.confirmation, session: session)
        let ready = try a.message(.domainReady, session: session, nonce: nonce, body: BytesBody(proof).bytes)
        let release = try factory.release(ready)
        #expect(release.map(\.name) == ["13-release.msg"])
        #expect(release.first?.message.type == .release && release.first?.message.receiver == "platform-a")
        #expect(factoryError { () throws(FactoryError) in try factory.release(ready) }
            == .refused("refused as stale or replayed: session \(session.hex) is released"))

        // The launch: the domain now runs on platform-a, and can migrate from there.
        #expect(try factory.close(try a.message(.launched, session: session, nonce: nonce, body: [])) == "dom1 runs on platform-a")
        try world.expectSession(session, "launched")
        try world.database { (db) throws(FactoryError) in #expect(try factory.domainRecord("dom1", in: db)?.platform == "platform-a") }
        #expect(try factory.migrate(domain: "dom1", to: "platform-b", platformGolden: "platform").map(\.name) == ["01-open.msg"])
        #expect(try factory.audit.verify() == (try world.audit().count))
    }
}
