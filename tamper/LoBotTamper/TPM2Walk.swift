// The matrix on TPM 2.0 platforms: an aDom provisioned onto S2 and moved by LSM to D2 (swtpm --tpm2
// each, reached on its socket), every message of the migration tampered with at its receiver, and
// D2's TPM 2.0 key blobs (AK, bind and signing keys: LB2B) tampered with where `migrate accept`
// loads them. The TPM 2.0 forms are what is new here: the destination keys certified by
// TPM2_Certify, the secrets bound with RSA-OAEP-SHA256 for TPM2_RSA_Decrypt, the boot result with
// its TPM2_Quote, the messages signed by TPM2_Sign: each message gets the TPM 2.0 budget (its body
// more than its header, which the TPM 1.2 walk covers). After the walk neither TPM 2.0 may have counted
// a failed authorisation (TPM2_PT_LOCKOUT_COUNTER 0): no tampered input reached a TPM as one.
import Foundation
import TestSupport

extension Scenario {
    func tpm2Walk() throws {
        let domain = "tamper-adom-tpm2"
        say("TPM 2.0: provisioning \(domain) onto S2, then LSM from S2 to D2 with every message tampered with")
        defer { for name in ["S2", "D2"] { _ = try? world.lobot(name, ["domain", "stop", "--name", domain]) } }
        try world.provision(domain, onto: "S2", memory: memory, fill: fill, disk: .local).runAll()
        try world.waitForCount(domain, on: "S2", atLeast: 3, seconds: 300)
        let lsm = try world.migrate(domain, from: "S2", to: "D2")
        let m = "TPM 2.0 LSM"
        /// A message of this walk, with the TPM 2.0 budget.
        func tpm2Message(_ type: String, _ receiver: Receiver, _ path: String?) throws {
            try message(m, type, receiver, path, budget: .tpm2Body)
        }
        try tpm2Message("open", agent("D2", "accept"), lsm.last["open"])
        let d2 = world.member("D2").lobotDirectory
        for name in ["aik.blob", "bind.blob", "signing.blob"] {
            try stored(m, "stored: D2's TPM 2.0 \(name) (LB2B)", agent("D2", "accept"), file: d2 + "/" + name, format: .opaque(header: 8),
                       input: lsm.last["open"])
        }
        try step(lsm.accept(), "accept")
        try tpm2Message("destination-keys (TPM2_Certify)", factory("proceed"), lsm.last["destination-keys"])
        try step(lsm.proceed(), "proceed")
        try tpm2Message("proceed (TPM 2.0 keys)", agent("S2", "send"), lsm.last["proceed"])
        try step(lsm.send(), "send")
        try tpm2Message("lobot-package (bound for TPM2_RSA_Decrypt)", agent("D2", "receive"), lsm.last["lobot-package"])
        try step(lsm.receive(), "receive")
        try tpm2Message("lobot-report (boot result version 2, TPM2_Quote)", factory("verdict"), lsm.last["lobot-report"])
        try step(lsm.verdict(), "verdict")
        try tpm2Message("verdict", agent("S2", "offer"), lsm.last["verdict@S2"])
        try step(lsm.offer(), "offer")
        try tpm2Message("verdict", agent("D2", "check", package: lsm.package), lsm.last["verdict@D2"])
        try step(lsm.check(verdict: true), "check with the verdict")
        try tpm2Message("domain-offer", agent("D2", "check", package: lsm.package), lsm.last["domain-offer"])
        try step(lsm.check(), "check")
        try tpm2Message("domain-ready", agent("S2", "release"), lsm.last["domain-ready"])
        try step(lsm.release(), "release")
        try tpm2Message("release", agent("D2", "launch"), lsm.last["release"])
        try step(lsm.launch(), "launch")
        try tpm2Message("launched", agent("S2", "finish"), lsm.last["launched"])
        try step(lsm.finish(), "finish and close")
        let count = world.lastCount(domain, on: "D2") ?? 0
        try world.waitForCount(domain, on: "D2", atLeast: count + 3, seconds: 120)
        say("the TPM 2.0 aDom counts on D2 (\(world.lastCount(domain, on: "D2") ?? 0)): every genuine step went through")
        for name in ["S2", "D2"] {
            let caps = try world.member(name).run("/usr/bin/tpm2_getcap", ["properties-variable"])
            let line = caps.stdout.split(separator: "\n").first { $0.hasPrefix("TPM2_PT_LOCKOUT_COUNTER") }.map(String.init) ?? "none"
            guard caps.status == 0, line == "TPM2_PT_LOCKOUT_COUNTER: 0x0" else {
                throw TamperError("\(name)'s TPM 2.0 counted failed authorisations: \(line) \(caps.stderr)")
            }
        }
        say("neither TPM 2.0 counted a failed authorisation (TPM2_PT_LOCKOUT_COUNTER 0 on S2 and D2)")
    }
}
