/* OpenSSL's libcrypto, as the core's Crypto/ files see it. Nothing else in the package includes
 * it. Shims exist only where Swift cannot call the C directly; each says why. */
#ifndef LOBOT_CLIBCRYPTO_SHIM_H
#define LOBOT_CLIBCRYPTO_SHIM_H

#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/objects.h>

/* OPENSSL_INIT_NO_LOAD_CONFIG is a macro over a 64-bit constant Swift does not import; a static
 * binary must not read the host's openssl.cnf. The agent's libcrypto is built no-autoalginit, so
 * the digests X.509 signature checks look up by NID (EVP_get_digestbynid) are registered here:
 * SHA-1 and SHA-2, nothing else (with a full libcrypto this only re-registers them). */
static inline int lobot_openssl_init(void) {
    return OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, NULL)
        && EVP_add_digest(EVP_sha1()) && EVP_add_digest(EVP_sha224()) && EVP_add_digest(EVP_sha256())
        && EVP_add_digest(EVP_sha384()) && EVP_add_digest(EVP_sha512());
}

/* EVP_PKEY_PUBLIC_KEY is a macro composed of other macros, which Swift does not import. */
static inline int lobot_evp_pkey_public_key(void) { return EVP_PKEY_PUBLIC_KEY; }

#endif
