// The system's OpenSSL (Debian's libssl 3), for SM3, SM4 and HMAC-SM3 (GB/T 32905, GB/T 32907). The helpers
// keep OSSL_PARAM arrays, awkward to build from Swift, on the C side.
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>

/// An HMAC-SM3 context holding its key; NULL when the library has no SM3.
static inline EVP_MAC_CTX *doudi_hmac_sm3_new(const unsigned char *key, size_t key_length) {
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    if (mac == NULL) return NULL;
    EVP_MAC_CTX *ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);
    if (ctx == NULL) return NULL;
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SM3", 0);
    params[1] = OSSL_PARAM_construct_end();
    if (!EVP_MAC_init(ctx, key, key_length, params)) { EVP_MAC_CTX_free(ctx); return NULL; }
    return ctx;
}
