// Names of LoBotCore types the factory uses where a Foundation or X509 name would clash.
import LoBotCore

package typealias LoBotCoreFiles = LoBotCore.Files
package typealias TPMNonceValue = LoBotCore.TPMNonce
package typealias HexText = LoBotCore.Hex
