// A TCP connection to a port on this machine: how LoBot reaches a local swtpm's command port
// (`swtpm socket --server type=tcp`, what tpm2-tools' swtpm TCTI uses). Loopback only: no TPM is
// reached over a network. The sockaddr_in work is in the CLibC shim.
import CLibC

public enum TCPSocket {
    /// A stream socket connected to 127.0.0.1:`port` (close-on-exec).
    public static func connectLoopback(port: UInt16) throws(LoBotError) -> Int32 {
        try retryingSystemCall("cannot connect to", path: "127.0.0.1:\(port)") { lobot_tcp_connect_loopback(port) }
    }
}
