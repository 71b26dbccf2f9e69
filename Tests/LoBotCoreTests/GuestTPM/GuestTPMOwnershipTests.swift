// A TPM 1.2 that LoBot manufactured is what swtpm_setup leaves: enabled, activated, with an
// endorsement key and no owner; so the TSS a guest runs takes it. Checked with the flags the TPM
// reports, and with the real clients: TrouSerS' tcsd (LoBot's, `lobot tcsd`) reaching the engine
// over a TCP "device" (TrouSerS' TCSD_USE_TCP_DEVICE), and tpm-tools' `tpm_takeownership -y -z`.
import Foundation
import LoBotCore
import LoBotGuestTPM
import Testing
import TestSupport

/// Serves an engine's TPM over TCP on 127.0.0.1 as a TPM device: each connection sends commands
/// (a header, then the rest its size field counts) and reads each response. The engine is used
/// only by the serving thread until `stop` returns.
final class EngineTCPDevice: @unchecked Sendable {
    let engine: LibTPMSEngine
    let port: UInt16
    private let listener: Int32
    private let finished = DispatchSemaphore(value: 0)
    /// The connection being served (-1: none), so that `stop` can end a client that stays connected.
    private let lock = NSLock()
    private var connection: Int32 = -1
    private var stopping = false

    init(_ engine: LibTPMSEngine) throws {
        self.engine = engine
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 4) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard fd >= 0, bound else { throw TestSupportError.failed("cannot listen on 127.0.0.1") }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        Thread { [self] in serve() }.start()
    }

    private func serve() {
        defer { finished.signal() }
        while true {
            let accepted = accept(listener, nil, nil)
            guard accepted >= 0 else { return }
            lock.lock()
            let stopped = stopping
            if !stopped { connection = accepted }
            lock.unlock()
            if stopped {
                close(accepted)
                return
            }
            while let command = Self.readCommand(accepted) {
                let response = engine.process(command, locality: 0)
                _ = response.withUnsafeBytes { write(accepted, $0.baseAddress, $0.count) }
            }
            lock.lock()
            connection = -1
            lock.unlock()
            close(accepted)
        }
    }

    private static func readCommand(_ fd: Int32) -> [UInt8]? {
        guard let header = readExactly(fd, 10) else { return nil }
        let size = Int(header[2]) << 24 | Int(header[3]) << 16 | Int(header[4]) << 8 | Int(header[5])
        guard size >= 10, size <= 65536, let rest = readExactly(fd, size - 10) else { return nil }
        return header + rest
    }

    private static func readExactly(_ fd: Int32, _ count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, count - got) }
            guard n > 0 else { return nil }
            got += n
        }
        return bytes
    }

    /// Stops accepting and waits for the serving thread to end.
    func stop() {
        lock.lock()
        stopping = true
        if connection >= 0 { shutdown(connection, Int32(SHUT_RDWR)) }
        lock.unlock()
        shutdown(listener, Int32(SHUT_RDWR))
        finished.wait()
        close(listener)
    }
}

/// A TCP port nothing listens on now (the kernel's pick for a socket bound to port 0).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let ok = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard fd >= 0, ok else { throw TestSupportError.failed("cannot find a free port") }
    return Int(UInt16(bigEndian: address.sin_port))
}

extension GuestTPMEngineTests {
    @Suite struct TPM12Ownership {
        /// TPM_GetCapability(TPM_CAP_PROPERTY, TPM_CAP_PROP_OWNER): whether the TPM has an owner.
        static func owned(_ engine: LibTPMSEngine) throws -> Bool {
            let response = engine.process(TPM12TestCommands.getCapability(5, hexBytes("00000111")), locality: 0)
            return try TPM12TestCommands.capabilityData(response) == [1]
        }

        @Test func aManufacturedTPM12IsEnabledActivatedWithAnEKAndNoOwner() throws {
            let (engine, _) = try runningEngine(.tpm12)
            try startUp(engine)
            // TPM_CAP_FLAG / TPM_CAP_FLAG_PERMANENT: TPM_PERMANENT_FLAGS { tag 001f, disable,
            // ownership (an owner may be installed), deactivated, readPubek, ... }.
            let permanent = try TPM12TestCommands.capabilityData(engine.process(TPM12TestCommands.getCapability(4, hexBytes("00000108")), locality: 0))
            #expect(Array(permanent.prefix(6)) == hexBytes("001f 00 01 00 01"))
            // TPM_CAP_FLAG_VOLATILE: TPM_STCLEAR_FLAGS { tag 0020, deactivated, ... }: activated now.
            let volatile = try TPM12TestCommands.capabilityData(engine.process(TPM12TestCommands.getCapability(4, hexBytes("00000109")), locality: 0))
            #expect(Array(volatile.prefix(3)) == hexBytes("0020 00"))
            #expect(try !Self.owned(engine))
            let pubek = engine.process(TPM12TestCommands.readPubek([UInt8](repeating: 1, count: 20)), locality: 0)
            #expect(try TPM12TestCommands.pubek(pubek).algorithmParms == TPM12CreateEndorsementKeyPairCommand.endorsementKeyParms)
        }

        @Test func tcsdAndTpmTakeownershipTakeAManufacturedTPM12() throws {
            let lobot = try Binaries.lobot()
            let (engine, _) = try runningEngine(.tpm12)
            try startUp(engine)  // as the guest's firmware does
            _ = engine.takeStoredChanges()
            let device = try EngineTCPDevice(engine)
            var deviceStopped = false
            defer { if !deviceStopped { device.stop() } }

            let directory = try TemporaryDirectory("lobot-guest-tpm")
            let tcsdPort = try freePort()
            // tcsd wants its config root:tss 0640 and its store in a directory the tss user owns.
            let store = directory.file("tcsd")
            try FileManager.default.createDirectory(atPath: store, withIntermediateDirectories: true)
            _ = try succeed(try runProcess("/bin/chown", ["tss:tss", store]), "chown")
            _ = chmod(directory.path, 0o755)
            let config = try directory.write("tcsd.conf", Array("port = \(tcsdPort)\nsystem_ps_file = \(store)/system.data\n".utf8))
            _ = try succeed(try runProcess("/bin/chown", ["root:tss", config]), "chown")
            _ = chmod(config, 0o640)
            let tcsd = try ChildProcess(
                lobot, ["tcsd", "-f", "-e", "-c", config],
                environment: ["TCSD_USE_TCP_DEVICE": "1", "TCSD_TCP_DEVICE_HOSTNAME": "127.0.0.1", "TCSD_TCP_DEVICE_PORT": "\(device.port)"])
            defer {
                kill(tcsd.pid, SIGTERM)
                _ = tcsd.wait()
            }
            let client = ["TSS_TCSD_HOSTNAME": "127.0.0.1", "TSS_TCSD_PORT": "\(tcsdPort)"]
            // tcsd talks to the TPM before it listens: wait until a client gets through.
            var version = try runProcess("/usr/sbin/tpm_version", [], environment: client)
            for _ in 0..<100 where version.status != 0 {
                usleep(100_000)
                version = try runProcess("/usr/sbin/tpm_version", [], environment: client)
            }
            #expect(version.status == 0, "tpm_version: \(version.stderr)")
            let take = try runProcess("/usr/sbin/tpm_takeownership", ["-y", "-z"], environment: client)
            #expect(take.status == 0, "tpm_takeownership: \(take.stdout) \(take.stderr)")

            device.stop()
            deviceStopped = true
            #expect(try Self.owned(engine))
            #expect(engine.takeStoredChanges(), "taking ownership stored NVRAM")
        }
    }
}
