// `lobot migrate send` (source, steps 5-6): on the factory's proceed, pauses the aDom and saves
// its memory state (and disk, when it travels) sealed under a fresh domain key K, clones the
// LoBot's vTPM state and rewraps its MSK from this platform's bind key to the destination's
// (MSK exists in clear only in this process's memory), and sends the LoBot encrypted under a
// fresh K1 bound to the destination. K stays bound to this platform's TPM in the journal until
// step 13 releases it.
import LoBotCore
import LoBotPlatform

enum MigrateSendCommand {
    static let spec = CommandSpec(
        name: "migrate send",
        summary: "Source: suspend the aDom and send the LoBot (steps 5-6).",
        help: """
            usage: lobot migrate send --platform DIR --in PROCEED.msg --out DIR

            Checks the factory's proceed message, pauses the aDom (QMP stop) and streams its
            memory state through a FIFO into DIR/memory.lbst, sealed (AES-256-GCM, 1 MiB
            chunks) under a fresh key; a disk that travels with the domain goes to
            DIR/disk.lbst the same way. The LoBot's vTPM state and its MSK, rewrapped to the
            destination's certified bind key, go in the lobot-package message, itself
            encrypted to that key.

            options:
              --platform DIR   the platform's LoBot directory (or $LOBOT_PLATFORM)
              --in FILE        the proceed message from the factory
              --out DIR        where to write the message and the sealed aDom files
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
            let files = try step.firstMessage(message, .send)
            let proceed = try ProceedBody(bytes: message.body)
            let open = proceed.open
            guard open.kind == .migrate, open.source == step.participant.name else {
                throw .invalidArgument("this platform is not the source of session \(message.session.hex)")
            }
            let domain = DomainDirectory(step.directory, name: open.domain.name)
            guard domain.exists, try domain.config() == open.domain else { throw .notFound("domain \(open.domain.name) as the factory describes it") }
            let runtime = DomainRuntime(directory: domain, config: open.domain)
            guard runtime.isRunning else { throw .invalidArgument("domain \(open.domain.name) is not running here") }
            let vtpmID = try AnchoredFile<StoredVersionCounter>.peekIdentity(paths: domain.lobot.anchoredPaths)
            guard vtpmID == open.vtpmID.bytes else { throw .invalidArgument("the domain's LoBot is not the one the factory names") }
            // The LoBot must open here (its state authenticates and is current, its MSK unbinds)
            // before anything is done: a damaged one is refused with the aDom still running. It is
            // let go at once: while qemu saves the aDom, the guest's TPM server checkpoints the
            // guest's TPM into it.
            let msk = try domain.lobot.masterKey(step.directory, tpm: step.tpm)
            _ = try domain.lobot.open(step.directory, tpm: step.tpm, msk: msk)
            guard TPMServerProcess(directory: domain).isRunning else {
                throw .invalidArgument("the TPM server of domain \(open.domain.name) is not running here (see lobot domain status)")
            }
            let rewrapped = try BoundData.bind(msk.bytes, to: try proceed.bindKey.rsaPublicKey())
            var packed = [try DomainFiles.measureLocal("kernel", open.domain.kernel), try DomainFiles.measureLocal("initrd", open.domain.initrd)]

            var journal = SessionJournal(role: .source, state: .suspending, session: message.session, nonce: message.nonce, open: open)
            journal.peerBindKey = proceed.bindKey
            journal.peerSigningKey = proceed.signingKey
            var key = try SecureRandom.bytes(32)
            defer { wipe(&key) }
            journal.boundDomainKey = try step.bindToSelf(key)
            try files.create()
            try files.save(journal)

            // Step 5: the aDom paused and saved; its files sealed under K.
            try Files.makeDirectory(step.out, permissions: 0o755, existingOK: true)
            Console.out("pausing \(open.domain.name) and saving its memory state")
            StepProgress.phase("sealing \(open.domain.name)'s memory state", total: 0)
            packed.append(try runtime.save(to: Files.join(step.out, DomainFiles.memory), key: key, fifo: Files.join(files.path, "fifo")))
            StepProgress.endPhase()
            Failpoint.hit("send.saved")
            if open.domain.disk == .local {
                StepProgress.phase("sealing \(open.domain.name)'s disk",
                                   total: UInt64(try FileDescriptor(opening: domain.diskPath, .readOnly).size()))
                packed.append(try StreamFiles.seal(inputPath: domain.diskPath, outputPath: Files.join(step.out, DomainFiles.disk), key: key,
                                                   name: DomainFiles.disk))
                StepProgress.endPhase()
            }
            journal.files = packed

            // Steps 5-6: the LoBot cloned -- as it is now, with the checkpoint of its guest's TPM
            // the save made -- MSK rewrapped to the destination, all under K1 to it.
            let session = try domain.lobot.open(step.directory, tpm: step.tpm, msk: msk)
            guard session.vtpm.guestTPM != nil else { throw .invalidArgument("the LoBot holds no checkpoint of its guest's TPM after the save") }
            let state = try Files.read(domain.lobot.statePath, maximum: StateFile.maximumSize)
            _ = consume session
            let package = try step.participant.message(.lobotPackage, journal: journal, to: open.destination,
                                                       body: LoBotPackageBody(state: state, boundMasterKey: rewrapped).bytes,
                                                       encryptTo: try proceed.bindKey.rsaPublicKey())
            Failpoint.hit("send.packed")
            journal.state = .lobotSent
            try files.save(journal)
            try step.deliver(package, journal: journal, as: "05-lobot-package.msg")
            for file in packed where file.name != "kernel" && file.name != "initrd" {
                Console.out("sealed \(file.name) (\(file.size) bytes): \(Files.join(step.out, file.name))")
            }
            StepProgress.finish("sealed \(open.domain.name)'s memory state" + (open.domain.disk == .local ? " and disk" : ""))
        }
    }
}
