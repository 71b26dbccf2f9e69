// The process that serves an aDom's TPM (`lobot domain tpm-server`), seen from the commands that
// start and stop domains: started before qemu, ready once its pid file names a live process (it
// writes it after its socket listens), stopped after qemu, and asked about by `domain status`.
import LoBotCore
import LoBotPlatform

struct TPMServerProcess {
    let directory: DomainDirectory

    /// How long a server may take to be ready: it unbinds the MSK with the platform TPM, may make a
    /// new TPM (TPM 1.2: an endorsement key), hashes the domain's kernel and initrd, and commits a
    /// checkpoint (a move of the platform TPM's counter).
    static let startTimeout = 60_000  // milliseconds

    /// The server's pid, if the process it names is alive.
    var pid: Int32? {
        guard let bytes = try? Files.read(directory.tpmPidPath, maximum: 64) else { return nil }
        var value: Int32 = 0
        for byte in bytes where byte >= 0x30 && byte <= 0x39 { value = value * 10 + Int32(byte - 0x30) }
        return value > 0 && DomainRuntime.isAlive(value) ? value : nil
    }

    var isRunning: Bool { pid != nil }

    /// Starts a server for the domain (stopping one left from an interrupted start) and waits until
    /// it listens.
    func start() throws(LoBotError) {
        try waitUntilListening(try spawn())
    }

    /// Starts a server for the domain (stopping one left from an interrupted start) without waiting
    /// for it: the caller does other work meanwhile (`migrate launch` opens the aDom's disk), then
    /// waits with `waitUntilListening`, or gives it up with `abandon`.
    func spawn() throws(LoBotError) -> ChildProcess {
        stop(destroying: false)
        for file in [directory.tpmPidPath, directory.tpmSocketPath] { try Files.remove(file) }
        return try ChildProcess.spawn("/proc/self/exe",
                                      ["lobot", "domain", "tpm-server", "--platform", directory.platform.path, "--name", directory.name],
                                      outputPath: directory.tpmServerLogPath)
    }

    /// Stops the server `spawn` started when the work beside it failed, whether or not it listens
    /// yet (SIGTERM; it checkpoints if it got that far), and reaps it.
    func abandon(_ child: ChildProcess) {
        child.stop("the TPM server of domain \(directory.name)")
        stop(destroying: false)
    }

    /// Waits until the server `spawn` started listens; refused, with the server's own last words,
    /// if it exits first.
    func waitUntilListening(_ child: ChildProcess) throws(LoBotError) {
        let deadline = monotonicMilliseconds() + Self.startTimeout
        while !isRunning {
            if let outcome = child.wait(milliseconds: 0) {
                // The server's own last words say why (a state that does not open, a rollback...).
                let why = lastLogLine.map { $0.hasPrefix("lobot: ") ? String($0.dropFirst(7)) : $0 } ?? Self.describe(outcome)
                throw .refused("the TPM server of domain \(directory.name) did not start: \(why)")
            }
            guard monotonicMilliseconds() < deadline else {
                child.stop("the TPM server of domain \(directory.name)")
                throw .invalidArgument("the TPM server of domain \(directory.name) did not get ready in "
                                       + "\(Self.startTimeout / 1000) s (see \(directory.tpmServerLogPath))")
            }
            Clock.pause(milliseconds: Clock.pollMilliseconds)
        }
    }

    /// Stops the server: SIGTERM (it checkpoints what the guest wrote, then exits), SIGKILL after a
    /// grace period or at once when the domain is being destroyed.
    func stop(destroying: Bool) {
        defer {
            // What a server killed before it could clean up leaves behind.
            if !isRunning { for file in [directory.tpmPidPath, directory.tpmSocketPath] { _ = try? Files.remove(file) } }
        }
        guard let pid else { return }
        // A server that exited since its pid was read (noSuchProcess) has nothing left to stop.
        guard signal(destroying ? .kill : .terminate, pid) == .delivered else { return }
        let deadline = monotonicMilliseconds() + (destroying ? 5000 : 20_000)
        while DomainRuntime.isAlive(pid) && monotonicMilliseconds() < deadline { Clock.pause(milliseconds: Clock.pollMilliseconds) }
        if DomainRuntime.isAlive(pid) { _ = signal(.kill, pid) }
    }

    /// DomainRuntime.signal, naming the server.
    private func signal(_ signal: Signal, _ pid: Int32) -> SignalOutcome {
        DomainRuntime.signal(signal, pid, stopping: "the TPM server of domain \(directory.name)")
    }

    static func describe(_ outcome: ChildProcess.Outcome) -> String {
        switch outcome {
        case .exited(let status): return "exit status \(status)"
        case .signaled(let signal): return "killed by signal \(signal)"
        case .unknown(let code): return LoBotError.system(operation: "cannot wait for it", path: "", errno: code).message
        }
    }

    /// The server's last line of output (why it stopped, when it did).
    var lastLogLine: String? {
        guard let bytes = try? Files.read(directory.tpmServerLogPath, maximum: 1 << 20) else { return nil }
        let lines = bytes.split(separator: 0x0a)
        guard let last = lines.last else { return nil }
        return LoBotError.oneLine(String(decoding: last, as: UTF8.self))
    }
}
