// The agent's LSP/LSM steps (SessionSteps) run between two platforms in memory (SessionWorld):
// a whole migration, then for every step every way its message can be wrong -- forged, another
// receiver, another sender, another session, another nonce, a flipped bit, replayed, stale --
// refused with nothing done on either platform; then each of the protocol's decisions (10b, 13b,
// a wrong proof, a damaged package file, a failed launch) and every recovery, checked by what
// the steps committed, sent and asked the platforms to do. Real crypto, no TPM, no qemu:
// milliseconds a step.
@testable import LoBotCore
import Testing

@Suite struct SessionStepsTests {
    static func commit(_ state: SessionJournal.State) -> String { "commit \(state.name)" }

    @Test func aWholeMigrationRunsAndEachPlatformDoesWhatItsStepsSay() throws {
        let world = try MemoryMigration()
        try world.run(through: "finish")
        #expect(world.source.record == [
            "prepareToSend", Self.commit(.suspending), "saveMemory", "sealDisk", "lobotState", Self.commit(.lobotSent),
            "deliver 05-lobot-package.msg",
            "lobotKeys", Self.commit(.offered), "deliver 11-domain-offer.msg",
            Self.commit(.released), "deliver 13-release.msg",
            "retireLoBot", "stopDomain removing", Self.commit(.finished),
        ])
        #expect(world.destination.record == [
            "certifiedKeys", Self.commit(.accepted), "deliver 04-destination-keys.msg",
            "receiveLoBot", Self.commit(.lobotReceived), "deliver 07-lobot-report.msg",
            "openLoBotD", "unseal", "takeIn", Self.commit(.ready), "deliver 12-domain-ready.msg",
            "checkStagedLoBotD", "keepRelease", "launchDomain", "removePackage", Self.commit(.launched), "deliver 13-launched.msg",
        ])
        // Exactly one platform runs the aDom, with the LoBot the factory named.
        #expect(world.destination.runs("adom") && !world.source.domainExists("adom"))
        #expect(world.source.retired == [world.open.vtpmID.bytes] && world.destination.lobot?.id == world.open.vtpmID.bytes)
        // The package's sealed files were measured into LoBot_D's domain PCR and then removed.
        #expect(world.destination.files.keys.allSatisfy { !$0.contains("/package/") && !$0.hasPrefix(world.incoming) })
        #expect(world.destination.lobot?.log.events.filter { $0.name.hasPrefix("adom-") }.count == 2)
    }

    /// The message each step takes, as the world carries it, and who the step runs on.
    static func incoming(_ step: String, _ world: MemoryMigration) throws -> (Envelope, MemoryParty) {
        switch step {
        case "accept": return (try world.openMessage, world.destination)
        case "send": return (try world.proceedMessage, world.source)
        case "receive": return (try world.source.delivered["05-lobot-package.msg"].unwrap("package"), world.destination)
        case "offer": return (try world.verdict(trusted: true, to: "SP"), world.source)
        case "check":
            world.carryPackage()
            return (try world.source.delivered["11-domain-offer.msg"].unwrap("offer"), world.destination)
        case "release": return (try world.destination.delivered["12-domain-ready.msg"].unwrap("ready"), world.source)
        case "launch": return (try world.source.delivered["13-release.msg"].unwrap("release"), world.destination)
        default: return (try world.destination.delivered["13-launched.msg"].unwrap("launched"), world.source)
        }
    }

    /// Runs one step on `party` with `message`.
    static func take(_ step: String, _ message: Envelope, on party: MemoryParty, world: MemoryMigration) throws(LoBotError) {
        var party = party
        switch step {
        case "accept": try SessionSteps.accept(message, party: &party)
        case "send": try SessionSteps.send(message, party: &party)
        case "receive": try SessionSteps.receive(message, party: &party)
        case "offer": try SessionSteps.offer(message, party: &party)
        case "check": try SessionSteps.check(message, package: world.incoming, party: &party)
        case "release": try SessionSteps.release(message, party: &party)
        case "launch": try SessionSteps.launch(message, party: &party)
        default: try SessionSteps.finish(message, party: &party)
        }
    }

    /// `message` with its header changed by `change` and signed again by `signer`: what a party
    /// holding that key could send.
    static func resigned(_ message: Envelope, by signer: RSAPrivateKey, _ change: (inout Envelope) -> Void = { _ in }) throws -> Envelope {
        var changed = message
        change(&changed)
        changed.signature = try signer.sign(digest: try Digest.sha256(changed.signedBytes()), algorithm: .sha256)
        return try Envelope(bytes: changed.bytes)
    }

    /// Every way a step's message can be wrong, each refused with nothing done: no effect asked of
    /// either platform, no journal changed, nothing sent.
    @Test func everyStepRefusesAForgedMisaddressedOrForeignMessageWithNothingDone() throws {
        let names = try MemoryMigration().steps.map(\.0)
        let stranger = SessionKeys.shared[5]
        var refused = 0
        for (index, step) in names.enumerated() {
            let world = try MemoryMigration()
            if index > 0 { try world.run(through: names[index - 1]) }
            let (message, party) = try Self.incoming(step, world)
            let signer: RSAPrivateKey = message.sender == SessionStep.factory
                ? world.factory.key : (message.sender == "SP" ? world.source.signing : world.destination.signing)
            var flipped = message
            flipped.body[flipped.body.count / 2] ^= 0x10
            var variants: [(String, Envelope)] = [
                ("forged", try Self.resigned(message, by: stranger)),
                ("to another platform", try Self.resigned(message, by: signer) { $0.receiver = "EP" }),
                ("from another sender", try Self.resigned(message, by: signer) { $0.sender = $0.sender == "SP" ? "DP" : "SP" }),
                ("of another type", try Self.resigned(message, by: signer) { $0.type = $0.type == .launched ? .lobotReport : .launched }),
                ("with a flipped bit", flipped),
            ]
            // The factory's first message of a session names the session and its nonce; every
            // later message must carry them.
            if step != "accept" && step != "send" {
                variants.append(("of another session", try Self.resigned(message, by: signer) {
                    $0.session = SessionID(unchecked: [UInt8](repeating: 0x77, count: 16))
                }))
                variants.append(("with another nonce", try Self.resigned(message, by: signer) {
                    $0.nonce = TPMNonce(unchecked: [UInt8](repeating: 0x66, count: 20))
                }))
            }
            for (what, variant) in variants {
                let before = (world.source.record, world.destination.record, world.source.journals, world.destination.journals)
                #expect(throws: LoBotError.self, "\(step): a message \(what) was taken") {
                    try Self.take(step, variant, on: party, world: world)
                }
                let effects = world.source.record.count - before.0.count + world.destination.record.count - before.1.count
                #expect(effects == 0 && world.source.journals == before.2 && world.destination.journals == before.3,
                        "\(step): a message \(what) changed something: \(world.source.record.suffix(3)) \(world.destination.record.suffix(3))")
                refused += 1
            }
            // The genuine message is taken; taken again, it is a replay, refused with nothing done.
            try Self.take(step, message, on: party, world: world)
            let after = (world.source.record.count + world.destination.record.count, world.source.journals, world.destination.journals)
            #expect(throws: LoBotError.self, "\(step): a replay was taken") { try Self.take(step, message, on: party, world: world) }
            #expect(after == (world.source.record.count + world.destination.record.count, world.source.journals, world.destination.journals),
                    "\(step): a replay changed something")
        }
        #expect(refused == names.count * 7 - 4)
    }

    /// Every step's message, taken after the session moved on (stale), is refused with nothing done.
    @Test func aStaleMessageOfEveryStepIsRefusedAtEveryLaterStep() throws {
        let world = try MemoryMigration()
        var messages: [(String, Envelope, MemoryParty)] = []
        for (name, step) in world.steps {
            let (message, party) = try Self.incoming(name, world)
            messages.append((name, message, party))
            try step()
            for (earlier, stale, on) in messages {
                let before = (world.source.record.count + world.destination.record.count, world.source.journals, world.destination.journals)
                #expect(throws: LoBotError.self, "\(earlier)'s message taken after \(name)") { try Self.take(earlier, stale, on: on, world: world) }
                #expect(before == (world.source.record.count + world.destination.record.count, world.source.journals, world.destination.journals))
            }
        }
    }

    @Test func anUntrustedVerdictResumesTheSourceAndDestroysLoBotD() throws {
        let world = try MemoryMigration()
        try world.run(through: "receive")
        var source = world.source
        #expect(throws: LoBotError.refused("the factory does not trust DP: PCR 4 is not golden (10b); the aDom resumed here")) {
            try SessionSteps.offer(try world.verdict(trusted: false, to: "SP"), party: &source)
        }
        #expect(world.source.record.suffix(2) == ["resumeDomain", Self.commit(.resumed)] && world.source.runs("adom"))
        var destination = world.destination
        #expect(throws: LoBotError.self) { try SessionSteps.check(try world.verdict(trusted: false, to: "DP"), package: "in", party: &destination) }
        #expect(world.destination.record.suffix(2) == ["destroyLoBotD", Self.commit(.destroyed)] && world.destination.staged == nil)
        // A trusted verdict at the destination changes nothing there.
        let other = try MemoryMigration()
        try other.run(through: "receive")
        var receiving = other.destination
        let before = other.destination.record
        try SessionSteps.check(try other.verdict(trusted: true, to: "DP"), package: "in", party: &receiving)
        #expect(other.destination.record == before)
    }

    @Test func aFailedUnsealRefusesTheDomainAndTheSourceResumes() throws {
        let world = try MemoryMigration()
        try world.run(through: "offer")
        // LoBot_D's PCRs are no longer those the factory trusted and the offer is sealed to.
        _ = try world.destination.staged?.measure(pcr: 3, sha256: [UInt8](repeating: 1, count: 32), name: "late")
        #expect(throws: LoBotError.self) { try world.check() }
        #expect(world.destination.record.suffix(4) == ["unseal", "destroyLoBotD", Self.commit(.destroyed), "deliver 12-domain-refused.msg"])
        var source = world.source
        #expect(throws: LoBotError.self) {
            try SessionSteps.release(try world.destination.delivered["12-domain-refused.msg"].unwrap("refused"), party: &source)
        }
        #expect(world.source.record.suffix(2) == ["resumeDomain", Self.commit(.resumed)] && world.source.runs("adom"))
    }

    @Test func aWrongProofIsRefusedWithNothingReleased() throws {
        let world = try MemoryMigration()
        try world.run(through: "check")
        let ready = try world.destination.delivered["12-domain-ready.msg"].unwrap("ready")
        let forged = try Self.resigned(ready, by: world.destination.signing) { $0.body = BytesBody([UInt8](repeating: 0, count: 32)).bytes }
        let before = world.source.record
        var source = world.source
        #expect(throws: LoBotError.authentication(what: "domain-ready proof from DP")) { try SessionSteps.release(forged, party: &source) }
        #expect(world.source.record == before && world.source.journals[world.factory.session.bytes]?.state == .offered)
    }

    @Test func aDamagedPackageFileIsRefusedWithNothingDoneAndTheGenuineOneIsTaken() throws {
        let world = try MemoryMigration()
        try world.run(through: "offer")
        world.carryPackage()
        world.destination.files[world.incoming + "/" + DomainFiles.disk]?.sha256[0] ^= 1
        let offer = try world.source.delivered["11-domain-offer.msg"].unwrap("offer")
        var destination = world.destination
        #expect(throws: LoBotError.self) { try SessionSteps.check(offer, package: world.incoming, party: &destination) }
        #expect(world.destination.record.suffix(2) == ["openLoBotD", "unseal"] && world.destination.staged != nil)
        #expect(world.destination.journals[world.factory.session.bytes]?.state == .lobotReceived)
        try world.check()
        #expect(world.destination.journals[world.factory.session.bytes]?.state == .ready)
    }

    /// Step 13 measures again the kernel and initrd, and a sealed file only when it is no longer
    /// the one step 12 took in: one changed since is refused with nothing done; one unchanged is
    /// left to authenticate chunk by chunk as it is opened.
    @Test func theLaunchMeasuresAgainOnlyWhatChangedSinceStep12() throws {
        let world = try MemoryMigration()
        try world.run(through: "release")
        let package = world.destination.packagePath(world.factory.session)
        let disk = package + "/" + DomainFiles.disk
        world.destination.files[disk]?.sha256[0] ^= 1
        world.destination.measured = []
        let before = world.destination.record
        #expect(throws: LoBotError.self) { try world.launch() }
        #expect(world.destination.measured.contains(disk) && !world.destination.measured.contains(package + "/" + DomainFiles.memory))
        #expect(world.destination.record == before && world.destination.journals[world.factory.session.bytes]?.state == .ready)
        world.destination.files[disk]?.sha256[0] ^= 1
        world.destination.measured = []
        try world.launch()
        #expect(world.destination.measured.count == 2 && world.destination.measured.allSatisfy { !$0.hasPrefix(package) })
        #expect(world.destination.runs("adom"))
    }

    @Test func aFailedLaunchDestroysEverythingHereAndTheSourceResumes() throws {
        let world = try MemoryMigration()
        try world.run(through: "release")
        world.destination.failing = ["launchDomain"]
        #expect(throws: LoBotError.self) { try world.launch() }
        #expect(world.destination.record.suffix(5) == ["launchDomain", "stopDomain removing", "destroyLoBotD", Self.commit(.destroyed),
                                                        "deliver 13-launch-failed.msg"])
        var source = world.source
        #expect(throws: LoBotError.self) {
            try SessionSteps.finish(try world.destination.delivered["13-launch-failed.msg"].unwrap("failed"), party: &source)
        }
        #expect(world.source.runs("adom") && world.source.retired.isEmpty && !world.destination.domainExists("adom"))
    }

    /// Recovery after each step, on both platforms, ends the session with exactly one running aDom.
    @Test func recoveryAfterEveryStepLeavesExactlyOneRunningADom() throws {
        let names = try MemoryMigration().steps.map(\.0)
        for index in 0..<names.count {
            let world = try MemoryMigration()
            try world.run(through: names[index])
            var source = world.source
            var destination = world.destination
            let session = world.factory.session
            let atDestination = try SessionSteps.recover(session, message: nil, party: &destination)
            // The destination's outcome (or a release it never got) reaches the source's recovery.
            let outcome = world.destination.delivered["13-launched.msg"] ?? world.destination.delivered["13-launch-failed.msg"]
            let atSource = try SessionSteps.recover(session, message: outcome, party: &source)
            let runs = [world.source.runs("adom"), world.destination.runs("adom")]
            #expect(runs.filter { $0 }.count == 1, "after \(names[index]): \(atSource) \(atDestination) \(runs)")
            if atSource == .waiting {
                // The source released: only the destination's outcome ends it. Its launch rolls forward.
                #expect(index >= names.firstIndex(of: "release")!)
            }
        }
        // A session that never reached a platform has nothing to recover there.
        let keys = SessionKeys.shared
        var stranger = MemoryParty(name: "EP", factory: try keys[0].publicKey(), signing: keys[5], bind: keys[5])
        #expect(try SessionSteps.recover(MemoryFactory().session, message: nil, party: &stranger) == .neverHere && stranger.record.isEmpty)
    }

    @Test func aReleasedSourceWithoutTheOutcomeSendsTheReleaseAgainAndWaits() throws {
        let world = try MemoryMigration()
        try world.run(through: "release")
        var source = world.source
        world.source.record = []
        #expect(try SessionSteps.recover(world.factory.session, message: nil, party: &source) == .waiting)
        #expect(world.source.record == ["deliver 13-release.msg"] && !world.source.runs("adom"))
        // The destination takes the release sent again, launches, and the source then finishes.
        try world.launch()
        #expect(try SessionSteps.recover(world.factory.session, message: world.destination.delivered["13-launched.msg"], party: &source)
                == .ended(.finished))
        #expect(world.destination.runs("adom") && !world.source.domainExists("adom"))
    }

    @Test func aDestinationWithTheKeptReleaseRollsForward() throws {
        let world = try MemoryMigration()
        try world.run(through: "release")
        world.destination.keptRelease = try world.source.delivered["13-release.msg"].unwrap("release")
        var destination = world.destination
        #expect(try SessionSteps.recover(world.factory.session, message: nil, party: &destination) == .ended(.launched))
        #expect(world.destination.runs("adom"))
    }
}
