// The factory's command-line surface, checked verbatim so that a change to it is deliberate.
import Testing
import TestSupport

@Suite struct FactoryHelpTests {
    @Test func rootHelpIsExact() throws {
        let result = try runProcess(try Binaries.factory(), ["--help"])
        #expect(result.status == 0)
        #expect(result.stdout == """
            OVERVIEW: Run the LoBot factory: verify quotes and event logs offline.

            USAGE: lobot-factory <subcommand>

            OPTIONS:
              --version               Show the version.
              -h, --help              Show help information.

            SUBCOMMANDS:
              verify-quote            Verify a quote's AIK signature and nonce, and replay
                                      its event log.

              See 'lobot-factory help <subcommand>' for detailed help.

            """)
    }

    @Test func badNonceIsOneLineAndNonZero() throws {
        let result = try runProcess(
            try Binaries.factory(), ["verify-quote", "--aik", "/dev/null", "--nonce", "xyz", "--quote", "/dev/null"])
        #expect(result.status != 0)
        #expect(result.stderr.hasPrefix("Error: --nonce must be 40 hex digits."))
    }
}
