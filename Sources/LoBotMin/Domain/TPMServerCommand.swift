// `lobot domain tpm-server`: the process that is an aDom's TPM. `domain start` and the LSM steps
// that start a domain run it before qemu; it opens the domain's LoBot on this platform (the
// platform TPM unbinds its MSK), reads the newest committed state of the guest's TPM (or makes a
// new TPM of the domain's family the first time), checkpoints it, writes the launch measurement
// log, listens on the domain's control socket, and serves qemu until qemu goes.
import LoBotCore
import LoBotGuestTPM
import LoBotPlatform

enum TPMServerCommand {
    static let spec = CommandSpec(
        name: "domain tpm-server",
        summary: "Serve a domain's TPM to its qemu (started by lobot itself, before qemu).",
        help: """
            usage: lobot domain tpm-server --platform DIR --name NAME [--checkpoint-interval SECONDS]

            The TPM of domain NAME, for qemu's TPM emulator backend on DIR/domains/NAME/tpm.sock
            (swtpm's control channel protocol; commands on the data channel qemu hands over).
            lobot starts it before each qemu of the domain and stops it after; it is not meant
            to be run by hand. The engine is libtpms; the TPM's state is kept in the domain's
            LoBot: each command that changed the TPM's NVRAM is written (encrypted under the
            LoBot's MSK, atomically, fsynced) before its answer, and checkpointed into the
            LoBot's state -- one move of the platform TPM's counter -- at start, at a
            migration, when the TPM stops, and at most every SECONDS (default 5) while the
            guest writes. Its pid is in tpm.pid, what it says in tpm-server.log.

            options:
              --platform DIR               the platform's LoBot directory (or $LOBOT_PLATFORM)
              --name NAME                  the domain
              --checkpoint-interval SECONDS
                                           the longest a write waits for its checkpoint (0: each
                                           write is checkpointed at once)
            """,
        options: PlatformAccess.options + ["name", "checkpoint-interval"],
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        let directory = try PlatformAccess.directory(arguments)
        let domain = DomainDirectory(directory, name: try arguments.required("name"))
        let interval = try arguments.integer("checkpoint-interval", in: 0...3600) ?? 5
        // Out of the starting command's session, so that its terminal's signals do not reach the
        // server; run by hand as a shell's job it leads its group already and stays (either outcome serves).
        _ = try core { () throws(LoBotError) in try Processes.startSession() }
        let signals = try core { () throws(LoBotError) -> Int32 in try Self.blockedSignals() }
        let reason = try core { () throws(LoBotError) -> String in
            guard domain.exists else { throw .notFound("domain \(domain.name) on this platform") }
            let config = try domain.config()
            let tpm = try PlatformAccess.root(directory)
            let (store, newest) = try GuestTPMStore.open(lobot: domain.lobot, platform: directory, tpm: tpm)
            let engine = try LibTPMSEngine(family: config.tpm)
            let state: GuestTPMBlobs
            if let newest { state = newest } else { state = try engine.manufacture() }
            guard state.family == config.tpm else {
                throw .invalidArgument("the LoBot's guest TPM is a TPM \(state.family.name), the domain's config says \(config.tpm.name)")
            }
            // A restarted server resumes from here; no live file of an earlier epoch is read again.
            try store.checkpoint(state)
            // The log's banks now; a bank a cold start finds allocated besides, then (LaunchEvents).
            let launch = try LaunchEvents(config: config, banks: config.tpm.defaultBanks)
            try Files.writeAtomically(domain.tpmLaunchLogPath, try Self.launchLog(launch.events, family: config.tpm), permissions: 0o644)
            let service = GuestTPMService(engine: engine, store: store, state: state, launch: launch,
                                          checkpointInterval: interval * 1000, now: monotonicMilliseconds())
            let listener = try UnixSocket.listen(domain.tpmSocketPath)
            try Files.writeAtomically(domain.tpmPidPath, Array("\(Processes.currentID)\n".utf8), permissions: 0o644)
            Console.out("tpm-server: serving the TPM \(config.tpm.name) of \(domain.name) on \(domain.tpmSocketPath) (state epoch \(store.epoch))")
            let reason = TPMServerLoop(service: service, listener: listener, signals: signals).run()
            if let failure = service.failure { return reason + "; the TPM had failed: " + failure }
            if let late = service.checkpointError { return reason + "; the last checkpoint failed: " + late }
            return reason
        }
        Console.out("tpm-server: \(reason)")
        try? Files.remove(domain.tpmSocketPath)
        try? Files.remove(domain.tpmPidPath)
    }

    /// SIGTERM and SIGINT, blocked and delivered through a descriptor the loop polls.
    static func blockedSignals() throws(LoBotError) -> Int32 {
        try Signals.terminationDescriptor()
    }

    /// The log the guest reads through fw_cfg: TCG 1.2 (SHA-1) for a TPM 1.2, crypto-agile with
    /// the family's default banks for a TPM 2.0 (the banks `events` were measured in at start).
    static func launchLog(_ events: [LaunchEvent], family: GuestTPMFamily) throws(LoBotError) -> [UInt8] {
        switch family {
        case .tpm12: return try LaunchMeasurement.sha1Log(events).bytes
        case .tpm20: return LaunchMeasurement.agileLog(events, banks: family.defaultBanks).bytes
        }
    }
}

extension GuestTPMService: TPMServerRules {}
