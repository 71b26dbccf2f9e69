// `lobot migrate check` (destination, step 12): LoBot_D unseals the source's sealed measurement
// (possible only with its vTPM in the state the factory trusted) and measures the aDom package
// it was sent. A match keeps the package and proves the unseal to the source; a failed unseal
// destroys LoBot_D and the package here (13b). A package file that does not match is refused
// with nothing done: it was damaged on its way, and the genuine one can still be carried.
import LoBotCore
import LoBotPlatform

enum MigrateCheckCommand {
    static let spec = CommandSpec(
        name: "migrate check",
        summary: "Destination: unseal and compare the aDom measurement (step 12).",
        help: """
            usage: lobot migrate check --platform DIR --in DOMAIN-OFFER.msg --package DIR --out DIR
                   lobot migrate check --platform DIR --in VERDICT.msg --package DIR --out DIR

            LoBot_D unseals the offer (sealed to its PCRs 0-6) and compares every file of the
            aDom package (the sealed memory state and disk in --package, the kernel and initrd
            at the domain's paths) with the measurements inside. On a match the package moves
            into the session and the domain-ready message proves the unseal. If LoBot_D cannot
            unseal, it and the package are destroyed here and domain-refused says why (13b); a
            file that does not match is refused with nothing done (carry it again, or end the
            session with lobot migrate recover). Given the factory's verdict instead: an
            untrusted one (10b) destroys LoBot_D here.

            options:
              --platform DIR   the platform's LoBot directory (or $LOBOT_PLATFORM)
              --in FILE        the domain-offer message
              --package DIR    where the sealed aDom files were copied to
              --out DIR        where to write the answer
              --quiet          no progress line (on a terminal) and no summary line
            """,
        options: MigrationStep.options + ["package"],
        flags: [StepProgress.flag],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let message = try incomingMessage(arguments)
        let package = try arguments.required("package")
        let step = try MigrationStep(arguments)
        StepProgress.begin(arguments)
        try core { () throws(LoBotError) in
            var journal = try step.journal(for: message, step: .check)
            try step.check(message, .check, journal: journal)
            if message.type == .verdict {
                let verdict = try VerdictBody(bytes: message.body)
                if verdict.trusted {
                    Console.out("the factory trusts this platform (10a): wait for the source's domain offer")
                    return
                }
                try DestinationRollback.destroy(step, journal: &journal, package: package)
                throw .refused("the factory does not trust this platform: \(verdict.reason) (10b); LoBot_D destroyed itself here")
            }
            let offer = try DomainOfferBody(bytes: try message.openBody { (wrapped) throws(LoBotError) in try step.participant.unbind(wrapped) })
            let files = step.files(journal.session)
            let lobot = VTPMDirectory(Files.join(files.path, "lobot"))
            var session = try lobot.openOnPlatform(step.directory, tpm: step.tpm)
            var secret: DomainSecret
            do throws(LoBotError) {
                var plain = try session.vtpm.unseal(offer.sealed)
                defer { wipe(&plain) }
                secret = try DomainSecret(bytes: plain)
            } catch {
                _ = consume session
                try DestinationRollback.destroy(step, journal: &journal, package: package)
                let reason = error.message
                try step.deliver(try step.participant.message(.domainRefused, journal: journal, to: journal.open.source,
                                                              body: BytesBody(text: reason).bytes),
                                 journal: journal, as: "12-domain-refused.msg")
                throw .refused("\(reason) (13b); LoBot_D and the aDom package were destroyed here")
            }
            // The package as it arrived: a file that is not what the source measured was changed or
            // cut on its way (or this platform's kernel or initrd differ). Nothing is done here, so
            // the right file can be carried again, or the session ended on both platforms with
            // `lobot migrate recover`.
            StepProgress.phase("checking the aDom package", total: secret.files.reduce(0) { $0 + $1.size })
            for file in secret.files {
                let path = DomainFiles.path(of: file, config: journal.open.domain, package: package)
                guard Files.exists(path), try DomainFiles.measureLocal(file.name, path) == file else {
                    throw .invalidArgument("the aDom's \(file.name) at \(path) is not what the source measured: carry the source's file "
                                           + "again, or end the session with lobot migrate recover on both platforms")
                }
            }
            StepProgress.endPhase()
            Failpoint.hit("check.measured")
            for file in secret.files where file.name != "kernel" && file.name != "initrd" {
                _ = try session.vtpm.measure(pcr: BootMeasurements.domainPCR, sha256: file.sha256, name: "adom-" + file.name)
                try Files.rename(Files.join(package, file.name), to: Files.join(files.packagePath, file.name))
            }
            try session.commit()
            _ = consume session
            journal.files = secret.files
            journal.state = .ready
            try files.save(journal)
            try step.deliver(try step.participant.message(.domainReady, journal: journal, to: journal.open.source,
                                                          body: BytesBody(try DomainSecret.proof(confirmation: secret.confirmation, session: journal.session)).bytes),
                             journal: journal, as: "12-domain-ready.msg")
            StepProgress.finish("checked the aDom package")
        }
    }
}

/// The destination giving up its copies (13b, a failed launch, or recovery before the launch):
/// LoBot_D's vTPM is retired here, so no copy of it opens on this platform again.
enum DestinationRollback {
    static func destroy(_ step: MigrationStep, journal: inout SessionJournal, package: String?) throws(LoBotError) {
        let files = step.files(journal.session)
        // A platform without a version store never adopted LoBot_D: there is nothing to retire.
        let store = VersionStore(directory: step.directory, tpm: try step.tpm)
        if store.exists { try store.retire(id: journal.open.vtpmID.bytes) }
        let lobot = VTPMDirectory(Files.join(files.path, "lobot"))
        for path in [lobot.statePath, lobot.pendingPath, lobot.boundKeyPath, lobot.lockPath] { try Files.remove(path) }
        var names = [DomainFiles.memory, DomainFiles.disk]
        for file in journal.files { names.append(file.name) }
        for name in names where name != "kernel" && name != "initrd" {
            try Files.remove(Files.join(files.packagePath, name))
            if let package { try Files.remove(Files.join(package, name)) }
        }
        journal.state = .destroyed
        try files.save(journal)
    }
}
