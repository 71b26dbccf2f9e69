// The factory's LSP and LSM decisions (FactoryProtocol.swift) on a real factory, with the
// platforms' messages built by LoBotCore's own serializers and signed with the software keys the
// factory recorded for them: what provision, migrate, proceed, verdict (10b), release and close
// accept and refuse. The trusted path (10a, 11, 13 and the launch) is TrustedProvisioningTests.
import FactoryKit
import Foundation
import GRDB
import LoBotCore
import Testing

@Suite struct SessionDecisionTests {
    @Test func provisionMakesTheLoBotAndOpensASessionOnlyForAnActiveKnownPlatform() throws {
        let world = try FactoryWorld()
        let factory = world.factory
        let outgoing = try factory.provision(domain: world.domain("dom1"), platform: "platform-a", disk: nil, lobotGolden: "image",
                                             platformGolden: "platform", out: world.temp.file("out"))
        #expect(outgoing.map(\.name) == ["01-open.msg"])
        let open = try #require(outgoing.first?.message)
        try open.verify(sender: try factory.signer.publicKey())
        #expect(open.type == .open && open.sender == Factory.party && open.receiver == "platform-a")
        let body = try OpenBody(bytes: open.body)
        #expect(body.kind == .provision && body.lobot == "lobot-dom1" && body.destination == "platform-a" && body.source == Factory.party)
        try factory.database.read { (db) throws(FactoryError) in
            try factory.database.requireActive("lobot-dom1", kind: .lobot, in: db)
            for purpose in [KeyDatabase.Purpose.vtpmEndorsement, .vtpmStorage, .vtpmIdentity, .vtpmBind] {
                #expect(try factory.database.activeKey(owner: "lobot-dom1", purpose: purpose, in: db)?.publicKey != nil)
            }
            #expect(try factory.session(open.session, in: db).state == "opened")
            #expect(try factory.domainRecord("dom1", in: db)?.platform == "")
        }
        _ = try factory.bankGolden(Factory.launchGoldenName("dom1"))
        // A second provision of the domain is refused (its LoBot exists), and so are unknown and revoked platforms.
        let again = factoryError { () throws(FactoryError) in
            try factory.provision(domain: world.domain("dom1"), platform: "platform-a", disk: nil, lobotGolden: "image",
                                  platformGolden: "platform", out: world.temp.file("out"))
        }
        #expect(again == .alreadyExists("LoBot lobot-dom1 already exists"))
        #expect(factoryError { () throws(FactoryError) in
            try factory.provision(domain: world.domain("dom2"), platform: "platform-x", disk: nil, lobotGolden: "image",
                                  platformGolden: "platform", out: world.temp.file("out"))
        } == .unknown(kind: "platform", name: "platform-x"))
        _ = try factory.database.write { (db) throws(FactoryError) in try factory.database.revoke(owner: "platform-b", in: db) }
        #expect(factoryError { () throws(FactoryError) in
            try factory.provision(domain: world.domain("dom3"), platform: "platform-b", disk: nil, lobotGolden: "image",
                                  platformGolden: "platform", out: world.temp.file("out"))
        } == .revoked("platform platform-b"))
        let log = try world.audit()
        #expect(log.filter { $0.action == "lobot-new" }.map(\.outcome) == ["accepted", "refused", "refused", "refused"])
        #expect(log.last?.detail == "platform platform-b is revoked")
        #expect(try factory.audit.verify() == log.count)
    }

    @Test func provisioningChecksTheDestinationsKeysThenVerdictOnAFailedBootIs10b() throws {
        let world = try FactoryWorld(provisioned: true)
        let factory = world.factory
        let open = try #require(world.open)
        let session = open.session
        let nonce = open.nonce
        let stale = { (state: String) in FactoryError.refused("refused as stale or replayed: session \(session.hex) is \(state)") }
        // Step 10 before step 4: the session has not proceeded.
        let early = try world.a.message(.lobotReport, session: session, nonce: nonce, body: BootResult(succeeded: false, message: "x").bytes)
        #expect(factoryError { () throws(FactoryError) in try factory.verdict(early) } == stale("opened"))

        // Step 4, refused: keys certified with another nonce; platform-b's bind key; signed by another platform; not a step-4 message.
        let wrongNonce = TPMNonce(unchecked: [UInt8](repeating: 9, count: 20))
        let refusals: [([UInt8], (FactoryError?) -> Bool)] = [
            (try world.destinationKeys(world.a, session: session, nonce: nonce, certifiedWith: wrongNonce),
             { if case .core(.replay) = $0 { return true } else { return false } }),
            (try world.destinationKeys(world.a, session: session, nonce: nonce, bindKey: try world.b.bindPublic()),
             { $0 == .refused("the bind key platform-a presents is not the one registered for it") }),
            (try world.destinationKeys(world.a, session: session, nonce: nonce, signingKey: try world.b.signingPublic()),
             { $0 == .refused("the signing key platform-a presents is not the one registered for it") }),
            (try SoftPlatform(name: "platform-a", aik: world.b.aik, bind: world.b.bind, signing: world.b.signing)
                .message(.destinationKeys, session: session, nonce: nonce, body: []),
             { if case .core(.authentication) = $0 { return true } else { return false } }),
            (try world.a.message(.launched, session: session, nonce: nonce, body: []),
             { $0 == .core(.invalidArgument("expected a destination-keys message, got launched")) }),
        ]
        for (index, (message, expected)) in refusals.enumerated() {
            let error = factoryError { () throws(FactoryError) in try factory.proceed(message) }
            #expect(expected(error), "refusal \(index): \(String(describing: error))")
        }
        try world.expectSession(session, "opened")

        // Step 4, accepted: the LoBot package goes to the destination, encrypted to its bind key.
        let keys = try world.destinationKeys(world.a, session: session, nonce: nonce)
        let outgoing = try factory.proceed(keys)
        #expect(outgoing.map(\.name) == ["05-lobot-package.msg"])
        #expect(outgoing.first?.message.type == .lobotPackage && outgoing.first?.message.receiver == "platform-a")
        try world.expectSession(session, "proceeded")
        #expect(factoryError { () throws(FactoryError) in try factory.proceed(keys) } == stale("proceeded"))

        // Step 10 on a failed boot: 10b, the verdict written all the same, the session ended.
        let report = try world.a.message(.lobotReport, session: session, nonce: nonce,
                                         body: BootResult(succeeded: false, message: "no TPM here").bytes)
        let verdict = try factory.verdict(report)
        #expect(!verdict.trusted)
        #expect(verdict.reason == "the LoBot VM reported a failure: no TPM here")
        #expect(verdict.outgoing.map(\.name) == ["10-verdict-platform-a.msg"])
        let body = try VerdictBody(bytes: try #require(verdict.outgoing.first?.message.body))
        #expect(!body.trusted && body.reason == verdict.reason)
        try world.expectSession(session, "untrusted")
        let log = try world.audit()
        #expect(log.suffix(2).map { "\($0.action) \($0.outcome) \($0.detail)" } == [
            "verify-boot refused the LoBot VM reported a failure: no TPM here",
            "verdict accepted 10b: the LoBot VM reported a failure: no TPM here",
        ])

        // Nothing moves an untrusted session on: no second verdict, no release, no launch.
        #expect(factoryError { () throws(FactoryError) in try factory.verdict(report) } == stale("untrusted"))
        let ready = try world.a.message(.domainReady, session: session, nonce: nonce, body: BytesBody([UInt8](repeating: 0, count: 32)).bytes)
        // (release checks for the 10a confirmation before the session's state.)
        #expect(factoryError { () throws(FactoryError) in try factory.release(ready) }
            == .refused("session \(session.hex) has nothing to release"))
        let launched = try world.a.message(.launched, session: session, nonce: nonce, body: [])
        #expect(factoryError { () throws(FactoryError) in try factory.close(launched) } == stale("untrusted"))
        try world.database { (db) throws(FactoryError) in #expect(try factory.domainRecord("dom1", in: db)?.platform == "") }
        #expect(try factory.audit.verify() == (try world.audit().count))
    }

    @Test func migrationOpensOnlyForARunningDomainAndTellsBothPlatformsTheVerdict() throws {
        let world = try FactoryWorld(provisioned: true)
        let factory = world.factory
        #expect(factoryError { () throws(FactoryError) in try factory.migrate(domain: "nope", to: "platform-b", platformGolden: "platform") }
            == .unknown(kind: "domain", name: "nope"))
        #expect(factoryError { () throws(FactoryError) in try factory.migrate(domain: "dom1", to: "platform-b", platformGolden: "platform") }
            == .refused("domain dom1 is not running anywhere yet"))
        // What close records after a 10a launch (TrustedProvisioningTests goes there): dom1 runs on platform-a.
        try world.rawSQL("UPDATE domains SET platform = 'platform-a' WHERE name = 'dom1'")
        #expect(factoryError { () throws(FactoryError) in try factory.migrate(domain: "dom1", to: "platform-a", platformGolden: "platform") }
            == .refused("domain dom1 already runs on platform-a"))

        // A migration whose destination fails to launch: the domain stays on the source.
        var open = try #require(try factory.migrate(domain: "dom1", to: "platform-b", platformGolden: "platform").first?.message)
        #expect(open.receiver == "platform-b")
        let body = try OpenBody(bytes: open.body)
        #expect(body.kind == .migrate && body.source == "platform-a" && body.destination == "platform-b")
        #expect(body.sourceSigningKey == .tpm12(try world.a.signingPublic()))
        let proceeded = try factory.proceed(try world.destinationKeys(world.b, session: open.session, nonce: open.nonce))
        #expect(proceeded.map(\.name) == ["04-proceed.msg"] && proceeded.first?.message.receiver == "platform-a")
        #expect(try ProceedBody(bytes: try #require(proceeded.first?.message.body)).bindKey == .tpm12(try world.b.bindPublic()))
        // The factory releases nothing in a migration; a failed launch ends the session, the domain where it was.
        let ready = try world.b.message(.domainReady, session: open.session, nonce: open.nonce, body: BytesBody([1]).bytes)
        #expect(factoryError { () throws(FactoryError) in try factory.release(ready) }
            == .refused("in a migration the source releases, not the factory"))
        let failed = try world.b.message(.launchFailed, session: open.session, nonce: open.nonce, to: "platform-a", body: [])
        #expect(try factory.close(failed) == "dom1 stays where it was: platform-b did not launch it")
        try world.expectSession(open.session, "failed")
        try world.database { (db) throws(FactoryError) in #expect(try factory.domainRecord("dom1", in: db)?.platform == "platform-a") }

        // A second attempt, 10b: the verdict goes to the destination and the source.
        open = try #require(try factory.migrate(domain: "dom1", to: "platform-b", platformGolden: "platform").first?.message)
        _ = try factory.proceed(try world.destinationKeys(world.b, session: open.session, nonce: open.nonce))
        let verdict = try factory.verdict(try world.b.message(.lobotReport, session: open.session, nonce: open.nonce,
                                                              body: BootResult(succeeded: false, message: "boot failed").bytes))
        #expect(!verdict.trusted)
        #expect(verdict.outgoing.map(\.name) == ["10-verdict-platform-b.msg", "10-verdict-platform-a.msg"])

        // A revoked destination is heard no more, and no migration opens to it.
        _ = try factory.database.write { (db) throws(FactoryError) in try factory.database.revoke(owner: "platform-b", in: db) }
        let late = try world.b.message(.launched, session: open.session, nonce: open.nonce, to: "platform-a", body: [])
        #expect(factoryError { () throws(FactoryError) in try factory.close(late) } == .revoked("platform platform-b"))
        #expect(factoryError { () throws(FactoryError) in try factory.migrate(domain: "dom1", to: "platform-b", platformGolden: "platform") }
            == .revoked("platform platform-b"))
        #expect(try factory.audit.verify() == (try world.audit().count))
    }
}

extension FactoryWorld {
    /// Step 4's message from `platform`: its bind and signing keys (or others) certified by its AIK.
    func destinationKeys(_ platform: SoftPlatform, session: SessionID, nonce: TPMNonce, certifiedWith: TPMNonce? = nil,
                         bindKey: PubKey? = nil, signingKey: PubKey? = nil) throws -> [UInt8] {
        let aik = try platform.aikPublic()
        let parms = try aik.algorithmParms.rsaParms()
        let certificate = try factory.ca.issue(owner: platform.name, role: .identity, modulus: aik.modulus, exponent: parms.effectiveExponent)
        let body = DestinationKeysBody(
            keys: .tpm12(bind: try platform.certify(try bindKey ?? platform.bindPublic(), usage: .bind, nonce: certifiedWith ?? nonce),
                         signing: try platform.certify(try signingKey ?? platform.signingPublic(), usage: .signing, nonce: certifiedWith ?? nonce)),
            aikCertificate: try certificate.serializeAsDER())
        return try platform.message(.destinationKeys, session: session, nonce: nonce, body: body.bytes)
    }

    func database(_ body: (Database) throws(FactoryError) -> Void) throws {
        try factory.database.read(body)
    }

    func expectSession(_ id: SessionID, _ state: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try database { (db) throws(FactoryError) in
            #expect(try factory.session(id, in: db).state == state, sourceLocation: sourceLocation)
        }
    }
}
