// An aDom's life under qemu on this platform: start it (cold, or restoring a saved state fed
// through a pipe, so the clear memory state never touches a disk), ask its state, pause and save
// it through QMP (into a pipe, sealed as it comes), resume it, and stop it. qemu runs daemonized
// with its pid file, QMP socket and console in the domain's directory, so any later `lobot`
// process can reach it. Every aDom has a TPM: qemu's TPM emulator backend on the control socket
// of the domain's TPM server, which starts before qemu and stops after it, and the launch
// measurement log as a firmware file the guest reads.
import LoBotCore

struct DomainRuntime {
    let directory: DomainDirectory
    let config: DomainConfig

    var tpmServer: TPMServerProcess { TPMServerProcess(directory: directory) }

    /// Starts the domain's TPM server (or waits for the one `server` is, started earlier with
    /// TPMServerProcess.spawn), then qemu. With `incoming`, qemu waits paused for a saved state on
    /// that descriptor (the read end of a pipe, which qemu gets as its descriptor 3).
    func start(incoming: Int32? = nil, server: ChildProcess? = nil) throws(LoBotError) {
        guard !isRunning else {
            if let server { tpmServer.abandon(server) }
            throw .alreadyExists("a running qemu for domain \(config.name)")
        }
        for file in [directory.pidPath, directory.qmpPath] { try Files.remove(file) }
        if let server { try tpmServer.waitUntilListening(server) } else { try tpmServer.start() }
        do throws(LoBotError) {
            try startQEMU(incoming: incoming)
        } catch {
            tpmServer.stop(destroying: false)
            throw error
        }
    }

    private func startQEMU(incoming: Int32?) throws(LoBotError) {
        let accel = Environment.value("LOBOT_ADOM_ACCEL") ?? VMLauncher.knownAccelerator(kernel: config.kernel)
        var arguments = ["qemu-system-x86_64", "-machine", "pc", "-accel", accel, "-cpu", accel == "kvm" ? "host" : "max",
                         "-m", "\(config.memoryMiB)", "-nodefaults", "-no-user-config", "-display", "none", "-nic", "none",
                         "-serial", "file:" + directory.consolePath, "-qmp", "unix:\(directory.qmpPath),server=on,wait=off",
                         "-pidfile", directory.pidPath, "-daemonize",
                         "-kernel", config.kernel, "-initrd", config.initrd, "-append", config.commandLine]
        if let disk = directory.disk(config) {
            arguments += ["-drive", "file=\(Self.optionValue(disk)),format=raw,if=virtio,cache=writethrough"]
        }
        arguments += ["-chardev", "socket,id=lobot-tpm,path=" + Self.optionValue(directory.tpmSocketPath),
                      "-tpmdev", "emulator,id=tpm0,chardev=lobot-tpm", "-device", config.tpm.qemuDevice + ",tpmdev=tpm0",
                      "-fw_cfg", "name=opt/org.lobot/tpm-log,file=" + Self.optionValue(directory.tpmLaunchLogPath)]
        if incoming != nil { arguments += ["-S", "-incoming", "fd:3"] }
        let log = Files.join(directory.path, "qemu.log")
        let qemu = try ChildProcess.spawn("/usr/bin/qemu-system-x86_64", arguments, outputPath: log, passing: incoming)
        guard qemu.wait(milliseconds: 60_000) == .exited(0) else {
            throw .invalidArgument("qemu did not start domain \(config.name) (see \(log))")
        }
    }

    /// The pid qemu wrote, if that process is alive.
    var pid: Int32? {
        guard let bytes = try? Files.read(directory.pidPath, maximum: 64) else { return nil }
        var value: Int32 = 0
        for byte in bytes where byte >= 0x30 && byte <= 0x39 { value = value * 10 + Int32(byte - 0x30) }
        return value > 0 && Self.isAlive(value) ? value : nil
    }

    /// Whether `pid` runs: it exists and is not a zombie waiting for a parent that is not us.
    static func isAlive(_ pid: Int32) -> Bool {
        do throws(LoBotError) {
            guard try Signals.send(.probe, to: pid) == .delivered else { return false }
        } catch {
            return false  // EPERM: another user's process has the number now, so not the one that wrote it
        }
        guard let stat = try? Files.read("/proc/\(pid)/stat", maximum: 4096), let close = stat.lastIndex(of: UInt8(ascii: ")")),
            close + 2 < stat.count
        else { return true }
        let state = stat[close + 2]
        return state != UInt8(ascii: "Z") && state != UInt8(ascii: "X")
    }

    var isRunning: Bool { pid != nil }

    /// qemu's run state ("running", "paused", "inmigrate", "postmigrate"...), or "off".
    func status() throws(LoBotError) -> String {
        guard isRunning else { return "off" }
        let qmp = try connect()
        let reply = try qmp.execute("query-status")
        return Self.jsonString(reply, member: "status") ?? "unknown"
    }

    func connect() throws(LoBotError) -> QMP {
        let qmp = try QMP(socket: directory.qmpPath, seconds: 10)
        try qmp.handshake()
        return qmp
    }

    /// Pauses the aDom (its disk is flushed by the stop) and streams its memory state, sealed under
    /// `key`, to `output`; returns the stream's size and SHA-256. qemu writes the state into a
    /// pipe whose write end it was handed over QMP (getfd, then migrate to fd:), and closes it
    /// when the migration ends; unthrottled, since the aDom is paused (QEMUSaveParameters).
    func save(to output: String, key: [UInt8]) throws(LoBotError) -> PackageFile {
        let qmp = try connect()
        _ = try qmp.execute("stop")
        var pipe = try AnonymousPipe()
        _ = try qmp.execute("getfd", arguments: "{\"fdname\":\"lobot-save\"}", passing: pipe.writeEnd)
        try pipe.closeWriteEnd()
        _ = try qmp.execute("migrate-set-parameters", arguments: QEMUSaveParameters.unthrottled)
        _ = try qmp.execute("migrate", arguments: "{\"uri\":\"fd:lobot-save\"}")
        let file = try StreamFiles.seal(input: pipe.readEnd, outputPath: output, key: key, name: DomainFiles.memory)
        try qmp.waitForMigration(seconds: 600)
        return file
    }

    /// Starts the TPM server (or waits for `server`) and a qemu waiting paused for a memory state
    /// on the pipe returned.
    func startIncoming(server: ChildProcess? = nil) throws(LoBotError) -> AnonymousPipe {
        var pipe = try AnonymousPipe()
        try start(incoming: pipe.readEnd, server: server)
        try pipe.closeReadEnd()
        return pipe
    }

    /// Feeds the qemu `startIncoming` started the memory state sealed in `stream` under `key`,
    /// then runs it. The state goes through the pipe, each chunk only after its tag verifies; a
    /// qemu that stops reading makes the write fail (EPIPE) rather than kill lobot.
    func restore(from stream: String, key: [UInt8], through pipe: inout AnonymousPipe) throws(LoBotError) {
        try AnonymousPipe.ignoreBrokenPipe()
        // QMP first, while qemu idles waiting for the stream: once it loads, it answers late.
        let qmp = try connect()
        try StreamFiles.open(inputPath: stream, output: pipe.writeEnd, key: key, name: DomainFiles.memory, what: "aDom memory state")
        try pipe.closeWriteEnd()
        try qmp.waitForMigration(seconds: 600)
        _ = try qmp.execute("cont")
    }

    func resume() throws(LoBotError) {
        let qmp = try connect()
        _ = try qmp.execute("cont")
    }

    /// Stops qemu and waits until it is gone: through QMP's quit, or at once with SIGKILL when the
    /// aDom is being destroyed (nothing of it is to be kept; SIGKILL also when QMP does not answer).
    /// Then its TPM server: it checkpoints what the guest wrote and exits (killed when destroying).
    func stop(destroying: Bool = false) {
        stopQEMU(destroying: destroying)
        tpmServer.stop(destroying: destroying)
    }

    private func stopQEMU(destroying: Bool) {
        guard let pid else { return }
        if !destroying, let qmp = try? connect() { _ = try? qmp.execute("quit") }
        let deadline = monotonicMilliseconds() + (destroying ? 0 : 5000)
        while Self.isAlive(pid) && monotonicMilliseconds() < deadline { Clock.pause(milliseconds: Clock.pollMilliseconds) }
        guard Self.isAlive(pid), Self.signal(.kill, pid, stopping: "the qemu of domain \(config.name)") == .delivered else { return }
        while Self.isAlive(pid) { Clock.pause(milliseconds: Clock.pollMilliseconds) }
    }

    /// Sends `signal` to `pid` on the way to stopping `what`: a failure is said on stderr (the
    /// stop goes on without it) and counts as no process signalled, as a process gone does.
    static func signal(_ signal: Signal, _ pid: Int32, stopping what: String) -> SignalOutcome {
        do throws(LoBotError) {
            return try Signals.send(signal, to: pid)
        } catch {
            Console.error("cannot stop \(what): \(error.message)")
            return .noSuchProcess
        }
    }

    /// A path as the value of a qemu suboption, where a comma ends the value unless doubled.
    static func optionValue(_ path: String) -> String {
        String(decoding: path.utf8.flatMap { $0 == UInt8(ascii: ",") ? [$0, $0] : [$0] }, as: UTF8.self)
    }

    /// The string value of `"member":"..."` in a one-line JSON reply.
    static func jsonString(_ line: String, member: String) -> String? {
        let bytes = Array(line.utf8)
        let key = Array("\"\(member)\":".utf8)
        guard bytes.count > key.count else { return nil }
        for start in 0...(bytes.count - key.count) where bytes[start..<start + key.count].elementsEqual(key) {
            var i = start + key.count
            while i < bytes.count && bytes[i] == 0x20 { i += 1 }
            guard i < bytes.count, bytes[i] == 0x22 else { return nil }
            let begin = i + 1
            var end = begin
            while end < bytes.count && bytes[end] != 0x22 { end += 1 }
            return String(decoding: bytes[begin..<end], as: UTF8.self)
        }
        return nil
    }
}
