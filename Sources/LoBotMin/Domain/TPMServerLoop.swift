// The guest TPM server's event loop: one poll over the listening control socket, qemu's control
// connection and the data channel qemu hands over, so that the process never blocks on any one
// peer. Bytes are only moved here: requests are decoded by ControlRequest and answered by the
// service's rules; a guest's command goes to the service whole.
// Requests are framed by ControlFraming (qemu's sizes; swtpm_ioctl's 1-byte SET_LOCALITY is not
// taken), and the stream is given up at the first request that does not parse.
//
// A command is whole when its header's size has arrived. qemu writes a guest's command in one
// piece and then waits for the answer, but the guest chooses the header: a command whose size field
// lies (too small, or larger than what arrives) is taken as it stands once nothing more has come
// for `commandPatience` ms, and libtpms answers it with an error -- the channel never stalls on a
// guest's bytes. Anything above the TPM's buffer size is refused with a size error.
import LoBotCore
import LoBotGuestTPM

final class TPMServerLoop<Service: TPMServerRules> {
    let service: Service
    let listener: Int32
    private var control: Int32 = -1
    private var controlBuffer: [UInt8] = []
    /// A descriptor passed with the control bytes, until a SET_DATAFD claims it.
    private var passed: Int32 = -1
    private var data: Int32 = -1
    private var dataBuffer: [UInt8] = []
    private var dataSince = 0
    /// The buffer every read lands in, kept for the server's life (no allocation per read).
    private var chunk = [UInt8](repeating: 0, count: 8192)
    /// The signalfd that reports SIGTERM and SIGINT.
    let signals: Int32

    static var commandPatience: Int { 100 }
    /// A command longer than this is refused unread (libtpms' buffers are 4 KiB; qemu's too).
    static var maximumCommand: Int { 64 << 10 }

    init(service: Service, listener: Int32, signals: Int32) {
        self.service = service
        self.listener = listener
        self.signals = signals
    }

    /// Runs until qemu shuts the TPM down, its control connection ends, or a signal asks; returns
    /// why, for the log.
    func run() -> String {
        while true {
            var fds: [Int32] = [listener, signals]
            if control >= 0 { fds.append(control) }
            if data >= 0 { fds.append(data) }
            let now = monotonicMilliseconds()
            var timeout = service.nextTick(now: now) ?? -1
            if !dataBuffer.isEmpty { timeout = timeout < 0 ? Self.commandPatience : min(timeout, Self.commandPatience) }
            let ready: [Int32]
            do throws(LoBotError) {
                ready = try Poll.ready(fds, timeout: timeout)
            } catch {
                return "poll failed: \(error.message)"
            }
            let at = monotonicMilliseconds()
            for fd in ready {
                if fd == signals {
                    service.powerOff(now: at)
                    return "stopped by a signal"
                }
                if fd == listener { accept() }
                if fd == control, control >= 0, let reason = readControl(now: at) { return reason }
                if fd == data, data >= 0 { readData(now: at) }
            }
            if !dataBuffer.isEmpty && at - dataSince >= Self.commandPatience { answerCommand(now: at) }
            service.tick(now: at)
        }
    }

    /// One control connection at a time: qemu's. Any other is closed at once.
    private func accept() {
        let fd: Int32
        do throws(LoBotError) {
            fd = try UnixSocket.accept(listener)
        } catch {
            Console.error("tpm-server: \(error.message)")  // the connection is lost; the listener stays
            return
        }
        if control >= 0 {
            Self.close(fd, "a second control connection")
            return
        }
        control = fd
    }

    /// Closes a descriptor the server is done with; a failure is said in the server's log.
    private static func close(_ fd: Int32, _ what: String) {
        Console.bestEffort("tpm-server: cannot close \(what)") { () throws(LoBotError) in try RawIO.close(fd) }
    }

    /// Reads what qemu sent and answers every whole request; a reason to stop, or nil.
    private func readControl(now: Int) -> String? {
        let received: UnixSocket.Received
        do throws(LoBotError) {
            received = try UnixSocket.receive(control, into: &chunk)
        } catch {
            service.powerOff(now: now)
            return "the control channel failed: \(error.message)"
        }
        if let fd = received.descriptor {
            if passed >= 0 { Self.close(passed, "a data channel qemu replaced before using it") }
            passed = fd
        }
        let n = received.count
        guard n > 0 else {
            // qemu is gone: the TPM is off from now on, and what it wrote is checkpointed.
            service.powerOff(now: now)
            return "qemu closed the control channel"
        }
        controlBuffer += chunk[0..<n]
        while true {
            // Whole requests only (ControlFraming), each answered before the next is read.
            let request: ControlRequest
            do throws(LoBotError) {
                let length = try ControlFraming.requestLength(controlBuffer)
                guard controlBuffer.count >= length else { return nil }
                request = try ControlRequest(bytes: Array(controlBuffer[0..<length]))
                controlBuffer.removeFirst(length)
            } catch {
                service.powerOff(now: now)
                return "refused the control channel: \(error.message)"
            }
            let reply: ControlReply
            var exit = false
            if request == .setDataFD {
                reply = .result(ResultResponse(adoptDataChannel()))
            } else {
                (reply, exit) = service.control(request, now: now)
            }
            do throws(LoBotError) {
                try RawIO.writeAll(control, reply.bytes)
            } catch {
                service.powerOff(now: now)
                return "could not answer qemu: \(error.message)"
            }
            if exit { return "qemu shut the TPM down" }
        }
    }

    private func adoptDataChannel() -> ControlResult {
        guard data < 0 else { return .ioError }
        guard passed >= 0 else { return .badParameter }
        data = passed
        passed = -1
        return .success
    }

    private func readData(now: Int) {
        let n: Int
        do throws(LoBotError) {
            n = try RawIO.read(data, into: &chunk)
        } catch {
            Console.error("tpm-server: the data channel failed: \(error.message)")
            n = 0
        }
        guard n > 0 else {
            // The data channel ended (or failed): closed, until qemu hands over another.
            Self.close(data, "the data channel")
            data = -1
            dataBuffer = []
            return
        }
        if dataBuffer.isEmpty { dataSince = now }
        dataBuffer += chunk[0..<n]
        if dataBuffer.count >= 10 {
            let size = Int(dataBuffer[2]) << 24 | Int(dataBuffer[3]) << 16 | Int(dataBuffer[4]) << 8 | Int(dataBuffer[5])
            if size == dataBuffer.count || dataBuffer.count > Self.maximumCommand { answerCommand(now: now) }
        }
    }

    /// Answers what arrived as one command.
    private func answerCommand(now: Int) {
        let command = dataBuffer
        dataBuffer = []
        let response = command.count > Self.maximumCommand ? TPMErrorResponse.failure(service.family).bytes : service.command(command, now: now)
        do throws(LoBotError) {
            try RawIO.writeAll(data, response)
        } catch {
            Console.error("tpm-server: cannot answer on the data channel: \(error.message)")
            Self.close(data, "the data channel")
            data = -1
        }
    }
}

/// What the loop needs of the service (GuestTPMService, whatever its engine and store).
protocol TPMServerRules: AnyObject {
    var family: GuestTPMFamily { get }
    func control(_ request: ControlRequest, now: Int) -> (reply: ControlReply, exit: Bool)
    func command(_ bytes: [UInt8], now: Int) -> [UInt8]
    func tick(now: Int)
    func nextTick(now: Int) -> Int?
    func powerOff(now: Int)
}
