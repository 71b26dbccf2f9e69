// `lobot migrate receive` (destination, steps 7-9): unbinds K1 with this platform's TPM, opens
// the LoBot package, unbinds MSK, and starts LoBot_D: here as a host process, or, with --image-dir,
// as the baked LoBot VM under qemu (MigrateReceiveInVM, InVMReceive). Either way its vTPM state
// joins this platform's version store (so no older copy of it opens here), is measured into
// PCRs 0-5, bound to the platform through PCR 6 both ways, and quoted -- the platform's PCRs
// 0-15 for the factory, the vTPM's PCRs for LoBot_S. LoBot_D stays in the session directory,
// not runnable as the domain's LoBot, until step 13 launches it.
// The step itself is SessionSteps.receive (LoBotCore), performed by AgentParty; this is its command line.
import LoBotCore
import LoBotPlatform

enum MigrateReceiveCommand {
    static let spec = CommandSpec(
        name: "migrate receive",
        summary: "Destination: take in the LoBot, measure and quote it (steps 7-9).",
        help: """
            usage: lobot migrate receive --platform DIR --in LOBOT-PACKAGE.msg --out DIR
                                         [--image-dir DIR [--tpm-state DIR] [--system-data FILE]
                                          [--memory MIB] [--accel auto|kvm|tcg] [--timeout SECONDS]
                                          [--console FILE]]

            Checks the source's lobot-package message (signed by the source's key the factory
            vouched for, for this session), has the TPM unbind its key, imports the vTPM with
            its MSK still bound to this platform's TPM, runs LSM steps 8 and 9 (LoBot_D
            measured into its PCRs 0-5, platform PCR 6 and vTPM PCR 6 bound to each other,
            platform quote of PCRs 0-15, vTPM quote) and writes the lobot-report message for
            the factory.

            Without --image-dir, LoBot_D is this process: it measures its own binary, and the
            factory judges it by `golden predict-host` values. With --image-dir, LoBot_D is the
            baked LoBot VM: the platform TPM goes to the VM (stop the platform's tcsd, and with
            --tpm-state its swtpm, first: a TPM has one user at a time), the VM does all of the
            above and measures itself as its image's golden values predict; this process, which
            then needs no TPM, checks and installs what the VM hands back. The platform's
            version store change is left as a pending commit that its next open finishes. If
            the VM fails, nothing changes here: run receive again, or recover.

            options:
              --platform DIR       the platform's LoBot directory (or $LOBOT_PLATFORM)
              --in FILE            the lobot-package message
              --out DIR            where to write the report
              --quiet              no progress line (on a terminal) and no summary line
            \(VMOptions.help)
            """,
        options: MigrationStep.options + VMOptions.options,
        flags: [StepProgress.flag],
        renamed: VMOptions.renamed,
        run: run)

    static func run(_ arguments: ParsedArguments) throws(AgentError) {
        StepProgress.begin(arguments)
        if arguments.value("image-dir") != nil {
            var launcher = try VMOptions.launcher(arguments)
            launcher.tpmFamily = try PlatformAccess.family(try PlatformAccess.directory(arguments))
            let message = try incomingMessage(arguments)
            try MigrateReceiveInVM.run(arguments, message: message, launcher: launcher)
            StepProgress.phase("received the LoBot package", total: UInt64(message.bytes.count))
            StepProgress.advance(message.bytes.count)
            StepProgress.finish("received LoBot_D (in the LoBot VM)")
            return
        }
        for option in VMOptions.options where arguments.value(option) != nil {
            throw arguments.usage("--\(option) is for LoBot_D as the LoBot VM: give --image-dir too")
        }
        let message = try incomingMessage(arguments)
        var party = AgentParty(try MigrationStep(arguments))
        try core { () throws(LoBotError) in _ = try SessionSteps.receive(message, party: &party) }
        // What moved here is the package: LoBot_D's measurement of its own binary is not a transfer.
        StepProgress.phase("received the LoBot package", total: UInt64(message.bytes.count))
        StepProgress.advance(message.bytes.count)
        StepProgress.finish("received LoBot_D")
    }
}

/// Step 7's LoBot package, opened wherever LoBot_D runs: K1 and MSK unbound by this platform's
/// TPM, the vTPM state decrypted and checked to be the session's vTPM.
struct ReceivedLoBot {
    /// MSK as it travelled: bound to this platform's TPM.
    let boundMasterKey: [UInt8]
    let key: MasterKey
    let vtpm: VTPM

    init(_ step: MigrationStep, message: Envelope, journal: SessionJournal) throws(LoBotError) {
        let body = try LoBotPackageBody(bytes: try message.openBody { (wrapped) throws(LoBotError) in try step.participant.unbind(wrapped) })
        let state = try StateFile(bytes: body.state)
        var msk = try step.participant.unbind(body.boundMasterKey)
        defer { wipe(&msk) }
        key = try MasterKey(bytes: msk)
        var plain = try state.open(key: key, path: "the LoBot package's vTPM state")
        defer { wipe(&plain) }
        let vtpmState = try VTPMState(bytes: plain)
        guard vtpmState.id == journal.open.vtpmID.bytes, state.id == vtpmState.id else {
            throw .invalidArgument("the LoBot package holds another vTPM than the session's")
        }
        boundMasterKey = body.boundMasterKey
        vtpm = VTPM(state: vtpmState)
    }
}
