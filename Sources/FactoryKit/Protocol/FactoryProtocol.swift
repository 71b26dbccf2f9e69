// The factory's steps of LSP and LSM, each one audited decision that reads a message and returns
// the messages to send (name, bytes). LSM: open (1-3), proceed (4), verdict (10), close. LSP adds
// the source's part: the LoBot made for the destination, the aDom's disk sealed under a fresh
// key, the sealed measurement (11) and the release (13).
import Foundation
import GRDB
import LoBotCore

extension Factory {
    package typealias Outgoing = [(name: String, message: Envelope)]

    /// LSP 1-3: a new LoBot for `platform` and a session to provision `domain` onto it. The
    /// aDom's disk (if any) is sealed now into `out`/disk.lbst; its key goes to the platform
    /// only in the release, which is made now, already encrypted to the platform's TPM.
    package func provision(domain config: DomainConfig, platform: String, disk: String?, lobotGolden: String, platformGolden: String,
                           out: String) throws(FactoryError) -> Outgoing {
        let lobotName = "lobot-" + config.name
        let made = try makeLoBot(name: lobotName, platform: platform)
        var outgoing: Outgoing = []
        try decide(action: "provision", subject: "\(config.name) onto \(platform)") { (db) throws(FactoryError) in
            guard try domainRecord(config.name, in: db) == nil else { throw .alreadyExists("domain \(config.name) already exists") }
            let open = try openSession(kind: .provision, domain: config, lobot: lobotName, vtpmID: made.id, source: Self.party,
                                       destination: platform, image: lobotGolden, platformGolden: platformGolden, in: db)
            let session = try session(open.session, in: db)
            let bindKey = try registeredKey(platform, .bind, in: db)
            var key = try factoryCore { () throws(LoBotError) in try SecureRandom.bytes(32) }
            defer { wipe(&key) }
            var files = try factoryCore { () throws(LoBotError) in
                [try DomainFiles.measureLocal("kernel", config.kernel), try DomainFiles.measureLocal("initrd", config.initrd)]
            }
            if let disk {
                guard config.disk == .local else { throw .invalidInput("--disk is for a domain whose disk travels with it") }
                try makeDirectories(out)
                files.append(try factoryCore { () throws(LoBotError) in
                    try StreamFiles.seal(inputPath: disk, outputPath: Self.path(out, DomainFiles.disk), key: key, name: DomainFiles.disk)
                })
            }
            let release = try message(.release, session: session.id, nonce: session.nonce, to: platform, body: BytesBody(key).bytes,
                                      encryptTo: bindKey)
            let package = LoBotPackageBody(state: made.state, boundMasterKey: made.boundKey)
            try advance(session, from: ["opened"], to: "opened", in: db, release: release.bytes, files: files, package: package.bytes)
            try sql {
                try db.execute(sql: "INSERT INTO domains (name, lobot, platform, config, vtpm_id, image) VALUES (?, ?, '', ?, ?, ?)",
                               arguments: [config.name, lobotName, Data(config.bytes), Data(made.id.bytes), lobotGolden])
            }
            try recordLaunchGolden(config)
            outgoing.append(("01-open.msg", open))
            return "session \(session.id.hex): LoBot \(lobotName) and domain \(config.name) for \(platform)"
        }
        return outgoing
    }

    /// LSM 1-3: `lobot-factory migrate DOMAIN DP`. LoBot_D on DP is judged by `lobotGolden` (the
    /// image DP boots it from, or the host agent it runs as), by default the domain's own.
    package func migrate(domain name: String, to destination: String, platformGolden: String, lobotGolden: String? = nil) throws(FactoryError) -> Outgoing {
        var outgoing: Outgoing = []
        try decide(action: "migrate", subject: "\(name) to \(destination)") { (db) throws(FactoryError) in
            guard let record = try domainRecord(name, in: db) else { throw .unknown(kind: "domain", name: name) }
            guard !record.platform.isEmpty else { throw .refused("domain \(name) is not running anywhere yet") }
            guard record.platform != destination else { throw .refused("domain \(name) already runs on \(destination)") }
            try database.requireActive(record.lobot, kind: .lobot, in: db)
            let open = try openSession(kind: .migrate, domain: record.config, lobot: record.lobot, vtpmID: record.vtpmID,
                                       source: record.platform, destination: destination, image: lobotGolden ?? record.image,
                                       platformGolden: platformGolden, in: db)
            outgoing.append(("01-open.msg", open))
            return "session \(open.session.hex): \(name) from \(record.platform) to \(destination), LoBot_D judged by \(lobotGolden ?? record.image)"
        }
        return outgoing
    }

    /// Step 4: the destination's keys, certified by its AIK with the session nonce, must be the
    /// ones registered for it. LSM: the source is told to proceed. LSP: the LoBot goes out.
    package func proceed(_ bytes: [UInt8]) throws(FactoryError) -> Outgoing {
        var outgoing: Outgoing = []
        try decide(action: "proceed", subject: "destination keys") { (db) throws(FactoryError) in
            let (envelope, session) = try receive(bytes, [.destinationKeys], in: db)
            let caKey = try factoryCore { () throws(LoBotError) in try signer.publicKey() }
            let enrolled = try platformAttestationKey(session.destination, in: db)
            let keys = try factoryCore { () throws(LoBotError) in
                let body = try DestinationKeysBody(bytes: envelope.body)
                guard body.keys.family == enrolled.family else {
                    throw LoBotError.authentication(what: "destination keys (made by a \(body.keys.family.name), the platform enrolled a \(enrolled.family.name))")
                }
                guard try body.verify(factory: caKey, nonce: session.nonce).modulus == (try enrolled.modulus) else {
                    throw LoBotError.authentication(what: "destination keys (certified by another platform's AIK)")
                }
                return body.keys
            }
            guard keys.bindKey == (try registeredKey(session.destination, .bind, in: db)) else {
                throw .refused("the bind key \(session.destination) presents is not the one registered for it")
            }
            guard keys.signingKey == (try registeredKey(session.destination, .signing, in: db)) else {
                throw .refused("the signing key \(session.destination) presents is not the one registered for it")
            }
            try advance(session, from: ["opened"], to: "proceeded", in: db)
            if session.kind == .migrate {
                let body = ProceedBody(open: session.open, bindKey: keys.bindKey, signingKey: keys.signingKey)
                outgoing.append(("04-proceed.msg", try message(.proceed, session: session.id, nonce: session.nonce, to: session.source,
                                                              body: body.bytes)))
            } else {
                guard let package = session.package else { throw .notFound("session \(session.id.hex) has no LoBot package") }
                outgoing.append(("05-lobot-package.msg", try message(.lobotPackage, session: session.id, nonce: session.nonce,
                                                                    to: session.destination, body: package, encryptTo: keys.bindKey)))
            }
            return "session \(session.id.hex): \(session.destination)'s keys are its registered ones"
        }
        return outgoing
    }

    /// Step 10: the destination's LoBot_D evidence against golden values; the verdict to both
    /// platforms (LSP, trusted: with the sealed aDom measurement, step 11).
    package func verdict(_ bytes: [UInt8]) throws(FactoryError) -> (trusted: Bool, reason: String, outgoing: Outgoing) {
        let (envelope, session) = try database.read { (db) throws(FactoryError) in try receive(bytes, [.lobotReport], in: db) }
        let result = try factoryCore { () throws(LoBotError) in try BootResult(bytes: envelope.body) }
        // The factory's own golden values must open before anything is decided: a damaged record
        // is the factory's fault, not evidence against the destination.
        _ = try golden(session.image)
        let destinationFamily = try database.read { (db) throws(FactoryError) in try platformAttestationKey(session.destination, in: db).family }
        _ = try platformGolden(session.platformGolden, for: destinationFamily)
        var trusted = true
        var reason = "trusted"
        do throws(FactoryError) {
            try verifyBoot(BootEvidence(result: result, platform: session.destination, lobot: session.open.lobot, image: session.image,
                                                 platformNonce: session.open.quoteNonce, vtpmNonce: session.open.vtpmNonce,
                                                 platformGolden: session.platformGolden))
            reason = "LoBot_D on \(session.destination) matches its golden values (platform quote by a \(destinationFamily.name))"
        } catch {
            trusted = false
            reason = error.description
        }
        var outgoing: Outgoing = []
        try decide(action: "verdict", subject: "session \(session.id.hex)") { (db) throws(FactoryError) in
            let session = try self.session(session.id, in: db)
            let body = VerdictBody(trusted: trusted, reason: reason, vtpmQuote: trusted ? result.vtpmQuote : nil)
            var confirmation: [UInt8]? = nil
            var extra: Outgoing = []
            if trusted, session.kind == .provision, let quote = result.vtpmQuote {
                let storage = try loBotKey(session.open.lobot, purpose: .vtpmStorage, in: db)
                let bindKey = try registeredKey(session.destination, .bind, in: db)
                let secret = try factoryCore { () throws(LoBotError) in DomainSecret(confirmation: try SecureRandom.bytes(32), files: session.files) }
                confirmation = secret.confirmation
                let sealed = try factoryCore { () throws(LoBotError) in
                    let selection = try PCRSelection(Array(0...6))
                    let values = try (0...6).map { (i) throws(LoBotError) in try Self.value(quote, i) }
                    return try SealedBlob.seal(secret.bytes, to: try storage.rsaPublicKey(), selection: selection,
                                               digestAtRelease: try PCRComposite(selection: selection, values: values).compositeHash())
                }
                extra.append(("11-domain-offer.msg", try message(.domainOffer, session: session.id, nonce: session.nonce, to: session.destination,
                                                                body: DomainOfferBody(sealed: sealed).bytes,
                                                                encryptTo: bindKey)))
            }
            try advance(session, from: ["proceeded"], to: trusted ? "trusted" : "untrusted", in: db, confirmation: confirmation)
            outgoing.append(("10-verdict-\(session.destination).msg",
                             try message(.verdict, session: session.id, nonce: session.nonce, to: session.destination, body: body.bytes)))
            if session.kind == .migrate {
                outgoing.append(("10-verdict-\(session.source).msg",
                                 try message(.verdict, session: session.id, nonce: session.nonce, to: session.source, body: body.bytes)))
            }
            outgoing += extra
            return trusted ? "10a: \(reason)" : "10b: \(reason)"
        }
        return (trusted, reason, outgoing)
    }

    /// LSP 13: the destination proved LoBot_D unsealed the measurement and the package matched.
    package func release(_ bytes: [UInt8]) throws(FactoryError) -> Outgoing {
        var outgoing: Outgoing = []
        try decide(action: "release", subject: "domain-ready") { (db) throws(FactoryError) in
            let (envelope, session) = try receive(bytes, [.domainReady, .domainRefused], in: db)
            guard session.kind == .provision else { throw .refused("in a migration the source releases, not the factory") }
            let body = try factoryCore { () throws(LoBotError) in try BytesBody(bytes: envelope.body) }
            if envelope.type == .domainRefused {
                try advance(session, from: ["trusted"], to: "failed", in: db)
                return "13b: \(session.destination) refused the package: \(body.text)"
            }
            guard let confirmation = session.confirmation, let release = session.release else {
                throw .refused("session \(session.id.hex) has nothing to release")
            }
            let expected = try factoryCore { () throws(LoBotError) in
                try DomainSecret.proof(confirmation: confirmation, session: session.id)
            }
            guard expected == body.value else { throw .refused("domain-ready proof from \(session.destination) failed authentication") }
            try advance(session, from: ["trusted"], to: "released", in: db)
            outgoing.append(("13-release.msg", try factoryCore { () throws(LoBotError) in try Envelope(bytes: release) }))
            return "released to \(session.destination)"
        }
        return outgoing
    }

    /// The destination's outcome: the factory records where the domain now runs.
    package func close(_ bytes: [UInt8]) throws(FactoryError) -> String {
        try decide(action: "close", subject: "launch outcome") { (db) throws(FactoryError) in
            let (envelope, session) = try receive(bytes, [.launched, .launchFailed], anyReceiver: true, in: db)
            guard envelope.type == .launched else {
                try advance(session, from: ["trusted", "released", "proceeded"], to: "failed", in: db)
                return "\(session.domain) stays where it was: \(session.destination) did not launch it"
            }
            try advance(session, from: ["trusted", "released"], to: "launched", in: db)
            try sql { try db.execute(sql: "UPDATE domains SET platform = ? WHERE name = ?", arguments: [session.destination, session.domain]) }
            return "\(session.domain) runs on \(session.destination)"
        }
    }
}
