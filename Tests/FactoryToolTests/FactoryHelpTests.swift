// The factory's command-line surface: every command has help, --json and --factory; errors are
// one line. (The help texts themselves are recorded in Tests/HelpTexts: HelpTextTests.)
import Testing
import TestSupport

@Suite struct FactoryHelpTests {
    @Test func everySubcommandHasHelpAndJSON() throws {
        for command in [["init"], ["ek-certify"], ["trust-ek-issuer"], ["enroll"], ["nonce"], ["register-bind-key"],
                        ["verify-quote"], ["golden", "record"], ["golden", "record-tpm2"], ["golden", "show"], ["revoke"], ["keys"], ["audit", "verify"],
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

    @Test(arguments: [
        (["provision", "d", "p", "--image", "host-lobot"], "Error: --image is now --lobot-golden (see lobot-factory provision --help)"),
        (["verify-boot", "--image=image-0"], "Error: --image is now --lobot-golden (see lobot-factory verify-boot --help)"),
        (["bake", "--lobot", "build/lobot", "--out", "x"], "Error: --lobot is now --agent (see lobot-factory bake --help)"),
        (["bake", "--out", "x"], "Error: Missing expected argument '--agent <agent>' (see lobot-factory bake --help)"),
        (["audit", "show", "--bogus"], "Error: Unknown option '--bogus' (see lobot-factory audit show --help)"),
    ])
    func usageErrorsAreOneLineWithExitStatus64(arguments: [String], message: String) throws {
        let result = try runProcess(try Binaries.factory(), arguments)
        #expect(result.status == 64)
        #expect(result.stderr == message + "\n")
        #expect(result.stdout.isEmpty)
    }

    @Test func unparsableSourceDateEpochIsRefused() throws {
        let temp = try TemporaryDirectory()
        let result = try runProcess(try Binaries.factory(), ["bake", "--factory", temp.file("none"), "--agent", "/dev/null", "--out", temp.file("img")],
                                    environment: ["SOURCE_DATE_EPOCH": "yesterday"])
        #expect(result.status == 1)
        #expect(result.stderr == "Error: SOURCE_DATE_EPOCH must be seconds since 1970 (0 to 4294967295), not \"yesterday\"\n")
        #expect(!temp.exists("img"))
    }
}
