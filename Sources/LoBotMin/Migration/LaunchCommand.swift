// `lobot migrate launch` (destination, step 13a): with the released key, LoBot_D becomes the
// domain's LoBot here and the aDom starts -- restored from its memory state (a migration) or
// booted (a provisioning). Committing "launched" is the hand-over's commit point: before it a
// recovery here destroys, after it the aDom is this platform's. A failed launch destroys the
// copies here and tells the source to resume (13b).
import LoBotCore
import LoBotPlatform

enum MigrateLaunchCommand {
    static let spec = CommandSpec(
        name: "migrate launch",
        summary: "Destination: launch the aDom with the released key (step 13a).",
        help: """
            usage: lobot migrate launch --platform DIR --in RELEASE.msg --out DIR

            Opens the release (the aDom's key, encrypted to this platform), makes LoBot_D the
            domain's LoBot (DIR/domains/NAME/lobot), decrypts the disk if it travelled, and
            starts qemu: with -incoming fed through a FIFO from the sealed memory state, or a
            cold boot for a provisioning. Writes launched, or launch-failed after destroying
            everything of the aDom here.

            options:
              --platform DIR   the platform's LoBot directory (or $LOBOT_PLATFORM)
              --in FILE        the release message
              --out DIR        where to write the outcome
              --quiet          no progress line (on a terminal) and no summary line
            """,
        options: MigrationStep.options,
        flags: [StepProgress.flag],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let message = try incomingMessage(arguments)
        let step = try MigrationStep(arguments)
        StepProgress.begin(arguments)
        try core { () throws(LoBotError) in
            var journal = try step.journal(for: message, step: .launch)
            try launch(step, message: message, journal: &journal)
        }
        StepProgress.finish("checked and opened the aDom's files, and started it", always: false)
    }

    static func launch(_ step: MigrationStep, message: Envelope, journal: inout SessionJournal) throws(LoBotError) {
        try step.check(message, .launch, journal: journal)
        var key = try BytesBody(bytes: try message.openBody { (wrapped) throws(LoBotError) in try step.participant.unbind(wrapped) }).value
        defer { wipe(&key) }
        guard key.count == 32 else { throw .invalidArgument("the release carries no 256-bit key") }
        let files = step.files(journal.session)
        let domain = step.domain(journal)
        let runtime = DomainRuntime(directory: domain, config: journal.open.domain)
        if !runtime.isRunning { try checkStaged(step, journal: journal, files: files) }
        // Kept so that a recovery after a crash here rolls forward.
        try Files.writeAtomically(Files.join(files.path, "release.msg"), message.bytes, permissions: 0o600)
        do throws(LoBotError) {
            var alreadyRunning = false
            if runtime.isRunning { alreadyRunning = try runtime.status() == "running" }
            if !alreadyRunning {
                runtime.stop(destroying: true)
                try domain.create(journal.open.domain)
                let staged = VTPMDirectory(Files.join(files.path, "lobot"))
                for (from, to) in [(staged.boundKeyPath, domain.lobot.boundKeyPath), (staged.statePath, domain.lobot.statePath)]
                where Files.exists(from) {
                    try Files.rename(from, to: to)
                }
                let package = files.packagePath
                if journal.open.domain.disk == .local {
                    StepProgress.phase("opening the aDom's disk", total: try size(Files.join(package, DomainFiles.disk)))
                    try StreamFiles.openToFile(inputPath: Files.join(package, DomainFiles.disk), outputPath: domain.diskPath, key: key,
                                               what: "aDom disk")
                    StepProgress.endPhase()
                }
                let memory = Files.join(package, DomainFiles.memory)
                if Files.exists(memory) {
                    StepProgress.phase("restoring the aDom's memory state", total: try size(memory))
                    try runtime.restore(from: memory, key: key, fifo: Files.join(files.path, "fifo"))
                    StepProgress.endPhase()
                } else {
                    try runtime.start()
                }
            }
            Failpoint.hit("launch.started")
        } catch {
            runtime.stop(destroying: true)
            domain.destroy()
            try DestinationRollback.destroy(step, journal: &journal, package: nil)
            try step.sendOutcome(launched: false, reason: error.message, journal: journal)
            throw .refused("the aDom did not start here: \(error.message) (13b); the source resumes it")
        }
        for file in journal.files where file.name != "kernel" && file.name != "initrd" {
            try Files.remove(Files.join(files.packagePath, file.name))
        }
        journal.state = .launched
        try files.save(journal)
        Failpoint.hit("launch.committed")
        try step.sendOutcome(launched: true, reason: "running on \(step.participant.name)", journal: journal)
    }

    /// The package and LoBot_D as step 12 left them in the session: a file changed since on this
    /// platform's disk is refused here, with nothing done, rather than found half-way through
    /// the launch (which would have to destroy everything here).
    static func checkStaged(_ step: MigrationStep, journal: SessionJournal, files: SessionFiles) throws(LoBotError) {
        StepProgress.phase("checking the aDom package", total: journal.files.reduce(0) { $0 + $1.size })
        for file in journal.files {
            let path = DomainFiles.path(of: file, config: journal.open.domain, package: files.packagePath)
            guard Files.exists(path), try DomainFiles.measureLocal(file.name, path) == file else {
                throw .invalidArgument("the aDom's \(file.name) at \(path) is not what step 12 measured: put the genuine file back, "
                                       + "or end the session with lobot migrate recover on both platforms")
            }
        }
        StepProgress.endPhase()
        let staged = VTPMDirectory(Files.join(files.path, "lobot"))
        if staged.holdsState { _ = try staged.openOnPlatform(step.directory, tpm: step.tpm) }
    }

    static func size(_ path: String) throws(LoBotError) -> UInt64 {
        UInt64(try FileDescriptor(opening: path, .readOnly).size())
    }
}
