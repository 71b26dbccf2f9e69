// The factory's command-line surface, checked verbatim so that a change to it is deliberate.
import Testing
import TestSupport

@Suite struct FactoryHelpTests {
    @Test func rootHelpIsExact() throws {
        let result = try runProcess(try Binaries.factory(), ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout == """
            OVERVIEW: Run the LoBot factory: CA, key database, enrollment and trust
            decisions, offline.

            USAGE: lobot-factory <subcommand>

            OPTIONS:
              --version               Show the version.
              -h, --help              Show help information.

            SUBCOMMANDS:
              init                    Create a factory: its CA, privacy-CA key, key
                                      database and audit log.
              ek-certify              Issue an EK certificate for a platform's endorsement
                                      key.
              trust-ek-issuer         Trust a TPM manufacturer's CA to vouch for EK
                                      certificates.
              enroll                  Certify a platform's AIK from its identity request;
                                      write the answer.
              nonce                   Issue a one-time nonce for a platform or LoBot.
              register-bind-key       Record a platform's certified bind key.
              verify-quote            Verify a quote's AIK signature and nonce, against
                                      golden values or an event log.
              golden                  Record or show golden PCR values.
              revoke                  Revoke a platform or LoBot and every key it holds.
              keys                    List the keys the factory has recorded.
              audit                   Verify or show the factory's audit log.
              bake                    Bake a LoBot VM image and predict the PCRs its boot
                                      must produce.
              lobot                   Make LoBots: a vTPM rooted in a platform, with
                                      factory-certified keys.
              verify-boot             Decide whether a LoBot boot on a platform is trusted
                                      (LSM step 10).
              provision               LSP: provision a new LoBot and its aDom onto a
                                      platform (opens the session).
              migrate                 LSM: open a session to migrate a domain to a
                                      destination platform.
              proceed                 Step 4: check the destination's certified keys; tell
                                      the source to proceed (LSP: send the LoBot).
              verdict                 Step 10: decide on LoBot_D's report; exit status 3
                                      when the destination is not trusted (10b).
              release                 LSP step 13: release the aDom's key to the platform
                                      after its domain-ready.
              close                   Record the destination's launched or launch-failed
                                      outcome.

              See 'lobot-factory help <subcommand>' for detailed help.

            """)
    }

    @Test func verifyQuoteHelpIsExact() throws {
        let result = try runProcess(try Binaries.factory(), ["verify-quote", "--help"])
        #expect(result.status == 0)
        #expect(result.stdout == """
            OVERVIEW: Verify a quote's AIK signature and nonce, against golden values or an
            event log.

            USAGE: lobot-factory verify-quote [--factory <factory>] [--json] [--platform <platform>] [--aik <aik>] [--quote <quote>] [--pcr-hash <pcr-hash>] [--signature <signature>] --nonce <nonce> [--golden <golden>] [--log <log>]

            OPTIONS:
              --factory <factory>     The factory state directory (default: $LOBOT_FACTORY).
              --json                  Print the result as one JSON object.
              --platform <platform>   The enrolled platform that quoted (its AIK comes from
                                      the key database).
              --aik <aik>             An AIK public key file (TPM_PUBKEY, TPM key blob or
                                      tpm-quote-tools DER).
              --quote <quote>         The LoBot quote file.
              --pcr-hash <pcr-hash>   A tpm-quote-tools PCR hash file (TPM_QUOTE_INFO2),
                                      with --signature.
              --signature <signature> A tpm-quote-tools quote (the bare signature), with
                                      --pcr-hash.
              --nonce <nonce>         The nonce the quote must carry (40 hex digits).
              --golden <golden>       Golden values the quoted PCRs must equal (a name in
                                      the factory).
              --log <log>             The quoting vTPM's binary event log, replayed against
                                      the quoted PCRs.
              --version               Show the version.
              -h, --help              Show help information.


            """)
    }

    @Test func everySubcommandHasHelpAndJSON() throws {
        for command in [["init"], ["ek-certify"], ["trust-ek-issuer"], ["enroll"], ["nonce"], ["register-bind-key"],
                        ["verify-quote"], ["golden", "record"], ["golden", "show"], ["revoke"], ["keys"], ["audit", "verify"],
                        ["audit", "show"], ["bake"], ["lobot", "new"], ["verify-boot"]] {
            let result = try runProcess(try Binaries.factory(), command + ["--help"])
            #expect(result.status == 0, "\(command)")
            #expect(result.stdout.contains("--json"), "\(command) has no --json")
            #expect(result.stdout.contains("--factory <factory>"), "\(command) has no --factory")
        }
    }

    @Test func badNonceIsOneLineAndNonZero() throws {
        let result = try runProcess(
            try Binaries.factory(), ["verify-quote", "--aik", "/dev/null", "--nonce", "xyz", "--quote", "/dev/null"])
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("Error: --nonce must be 40 hex digits."))
    }

    @Test func missingFactoryIsOneLine() throws {
        let temp = try TemporaryDirectory()
        let result = try runProcess(try Binaries.factory(), ["keys", "--factory", temp.file("none")])
        #expect(result.status != 0)
        #expect(result.stderr == "Error: no factory in \(temp.file("none")) (run lobot-factory init)\n")
    }
}
