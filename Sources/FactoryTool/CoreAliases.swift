// Names of LoBotCore types the factory uses where a Foundation or X509 name would clash.
import LoBotCore

typealias LoBotCoreFiles = LoBotCore.Files
typealias TPMNonceValue = LoBotCore.TPMNonce
typealias HexText = LoBotCore.Hex
