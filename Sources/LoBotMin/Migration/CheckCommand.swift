// `lobot migrate check` (destination, step 12): LoBot_D unseals the source's sealed measurement
// (possible only with its vTPM in the state the factory trusted) and measures the aDom package
// it was sent. A match keeps the package and proves the unseal to the source; a failed unseal
// destroys LoBot_D and the package here (13b). A package file that does not match is refused
// with nothing done: it was damaged on its way, and the genuine one can still be carried.
// The step itself is SessionSteps.check (LoBotCore), performed by AgentParty; this is its command line.
import LoBotCore

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
        var party = AgentParty(try MigrationStep(arguments))
        StepProgress.begin(arguments)
        let journal = try core { () throws(LoBotError) in try SessionSteps.check(message, package: package, party: &party) }
        if journal.state == .ready { StepProgress.finish("checked the aDom package") }
    }
}
