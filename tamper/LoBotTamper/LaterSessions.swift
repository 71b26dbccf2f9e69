// After LSP and LSM: the sessions that bring the other rows of the matrix. A later migration
// back to SP (every earlier message of the same type replayed at each of its steps; it ends
// with SP rolling back, which gives a genuine launch-failed), one where LoBot_D's PCRs change
// after its quote (a genuine domain-refused), one to RP (its messages given to platforms they
// are not for, then RP revoked and its messages refused by the factory), and at the end every
// genuine message replayed at its own receiver.
import Foundation
import TestSupport

extension Scenario {
    /// The genuine messages of `type` so far, given to `receiver` as they are.
    func replays(_ type: String, at receiver: Receiver, section: String = "replay") throws {
        let earlier = genuine.enumerated().filter { $0.element.type == type }.map {
            (label: "\($0.element.session) \(type) (to \($0.element.receiver.label.split(separator: ":")[0]))", path: $0.element.path,
             kind: MutationKind.replay)
        }
        try matrix.inputs(section, type + " of earlier sessions", receiver, earlier)
    }

    func laterSessions() throws {
        // A later session: back from DP to SP, each step first given the earlier sessions' messages.
        say("later session: migrating \(domain) back from DP to SP; SP then rolls back")
        let back = try world.migrate(domain, from: "DP", to: "SP")
        try replays("open", at: agent("SP", "accept"))
        try step(back.accept(), "accept")
        try replays("destination-keys", at: factory("proceed"))
        try step(back.proceed(), "proceed")
        try replays("proceed", at: agent("DP", "send"))
        try step(back.send(), "send")
        try replays("lobot-package", at: agent("SP", "receive"))
        try step(back.receive(), "receive")
        try replays("lobot-report", at: factory("verdict"))
        try step(back.verdict(), "verdict")
        try replays("verdict", at: agent("DP", "offer"))
        try step(back.offer(), "offer")
        try replays("domain-offer", at: agent("SP", "check", package: back.package))
        try step(back.check(), "check")
        try replays("domain-ready", at: agent("DP", "release"))
        try step(back.release(), "release")
        try replays("release", at: agent("SP", "launch"))
        // SP never gets the release: its recovery destroys LoBot_D and answers launch-failed.
        try step(back.recover("SP"), "recover on SP")
        let l = "later session"
        try message(l, "launch-failed", agent("DP", "finish"), back.last["launch-failed"])
        try message(l, "launch-failed", factory("close"), back.last["launch-failed"])
        let finish = try back.finish()
        guard finish.status == 1, finish.stderr.contains("resumed here") else { throw TamperError("DP did not resume on launch-failed: \(finish.stderr)") }
        try step(try world.factory.run(["close", "--in", back.last["launch-failed"]!]), "close with launch-failed")
        try world.waitForCount(domain, on: "DP", atLeast: (world.lastCount(domain, on: "DP") ?? 0) + 2)

        // LoBot_D's PCRs change after its quote: it cannot unseal the offer, and says so (13b).
        say("a session whose LoBot_D changes after its quote: domain-refused")
        let refused = try world.migrate(domain, from: "DP", to: "SP")
        let steps: [(String, () throws -> ProcessResult)] = [
            ("accept", refused.accept), ("proceed", refused.proceed), ("send", refused.send), ("receive", { try refused.receive() }),
            ("verdict", refused.verdict), ("offer", refused.offer),
        ]
        for (name, run) in steps {
            try step(try run(), name)
        }
        let lobotD = world.platform("SP").lobotDirectory + "/sessions/\(refused.session)/lobot"
        try step(try world.lobot("SP", ["extend", "--vtpm", lobotD, "--pcr", "3", "--digest", String(repeating: "5a", count: 20)]), "extend LoBot_D")
        let check = try refused.check()
        guard check.status == 1, refused.last["domain-refused"] != nil else { throw TamperError("LoBot_D unsealed after its PCRs changed: \(check.stderr)") }
        try message("13b session", "domain-refused", agent("DP", "release"), refused.last["domain-refused"])
        let resumed = try refused.release()
        guard resumed.status == 1, resumed.stderr.contains("resumed here") else { throw TamperError("DP did not resume on domain-refused: \(resumed.stderr)") }

        // RP: messages for it given to platforms that are not its, then RP revoked.
        say("a session to RP: its messages at other platforms; RP revoked")
        let away = try world.migrate(domain, from: "DP", to: "RP")
        let o = "other platform"
        func others(_ type: String, _ path: String?, at receivers: [Receiver]) throws {
            guard let path else { throw TamperError("no \(type) message to RP") }
            for receiver in receivers {
                try matrix.inputs(o, type + " for RP", receiver, [(label: "session to RP, \(type) (to RP)", path: path, kind: .otherPlatform)])
            }
        }
        try others("open", away.last["open"], at: [agent("SP", "accept"), agent("DP", "accept")])
        try step(away.accept(), "accept")
        try step(away.proceed(), "proceed")
        try others("proceed", away.last["proceed"], at: [agent("SP", "send")])
        try step(away.send(), "send")
        try others("lobot-package", away.last["lobot-package"], at: [agent("SP", "receive"), agent("DP", "receive")])
        // And the earlier sessions' messages for SP and DP, given to RP.
        for type in ["open", "lobot-package", "domain-offer", "release"] {
            try replays(type, at: agent("RP", ["open": "accept", "lobot-package": "receive", "domain-offer": "check", "release": "launch"][type]!,
                                        package: type == "domain-offer" ? away.package : nil), section: o)
        }
        try step(away.receive(), "receive")
        try step(try world.factory.run(["revoke", "--owner", "RP"]), "revoke RP")
        let r = "revoked"
        let revokedReport = [(label: "lobot-report from revoked RP", path: away.last["lobot-report"]!, kind: MutationKind.revoked)]
        try matrix.inputs(r, "lobot-report", factory("verdict"), revokedReport)
        try matrix.inputs(r, "destination-keys", factory("proceed"),
                          [(label: "destination-keys from revoked RP", path: away.last["destination-keys"]!, kind: .revoked)])
        // Both ends roll back: DP resumes, RP destroys LoBot_D and answers launch-failed, which the factory refuses.
        try step(away.recover("DP"), "recover on DP")
        try step(away.recover("RP"), "recover on RP")
        try matrix.inputs(r, "launch-failed", factory("close"),
                          [(label: "launch-failed from revoked RP", path: away.last["launch-failed"]!, kind: .revoked)])
        try world.waitForCount(domain, on: "DP", atLeast: (world.lastCount(domain, on: "DP") ?? 0) + 2)

        // Every genuine message, again, at its own receiver.
        say("every genuine message replayed at its receiver")
        var byReceiver: [String: (Receiver, [(label: String, path: String, kind: MutationKind)])] = [:]
        for (index, message) in genuine.enumerated() {
            var entry = byReceiver[message.receiver.label] ?? (message.receiver, [])
            entry.1.append((label: "\(message.session) \(message.type) #\(index)", path: message.path, kind: .replay))
            byReceiver[message.receiver.label] = entry
        }
        for (_, entry) in byReceiver.sorted(by: { $0.key < $1.key }) {
            try matrix.inputs("replay", "every earlier message", entry.0, entry.1)
        }
    }
}
