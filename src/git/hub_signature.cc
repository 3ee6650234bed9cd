#include "git/hub_signature.h"

#include <cctype>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

namespace vq::git {
namespace {

std::string toHex(const unsigned char* data, size_t size) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(size * 2);
    for (size_t i = 0; i < size; ++i) {
        out.push_back(kDigits[data[i] >> 4]);
        out.push_back(kDigits[data[i] & 0x0f]);
    }
    return out;
}

std::string hmacHex(const EVP_MD* md, std::string_view secret, std::string_view body) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (HMAC(md, secret.data(), static_cast<int>(secret.size()),
             reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest,
             &len) == nullptr)
        return {};
    return toHex(digest, len);
}

// "sha256=<hex>" → the hex in lower case, empty when the header is not of that form.
std::string hexAfter(std::string_view header, std::string_view prefix, size_t hex_size) {
    if (header.substr(0, prefix.size()) != prefix)
        return {};
    header.remove_prefix(prefix.size());
    if (header.size() != hex_size)
        return {};
    std::string hex;
    for (char c : header) {
        if (std::isxdigit(static_cast<unsigned char>(c)) == 0)
            return {};
        hex.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return hex;
}

SignatureCheck compare(std::string_view header,
                       std::string_view prefix,
                       const EVP_MD* md,
                       std::string_view secret,
                       std::string_view body) {
    const std::string expected = hmacHex(md, secret, body);
    const std::string given = hexAfter(header, prefix, expected.size());
    if (expected.empty() || given.empty())
        return SignatureCheck::malformed;
    return CRYPTO_memcmp(expected.data(), given.data(), expected.size()) == 0
               ? SignatureCheck::valid
               : SignatureCheck::mismatch;
}

}  // namespace

std::string_view toString(SignatureCheck check) {
    switch (check) {
        case SignatureCheck::valid:
            return "valid";
        case SignatureCheck::missing:
            return "no X-Hub-Signature-256 (or X-Hub-Signature) header";
        case SignatureCheck::malformed:
            return "malformed signature header (want sha256=<64 hex> or sha1=<40 hex>)";
        case SignatureCheck::mismatch:
            return "signature does not match the body and the hook's secret";
    }
    return "unknown";
}

SignatureCheck checkHubSignature(std::string_view body,
                                 std::string_view secret,
                                 std::string_view signature_256,
                                 std::string_view signature_1) {
    if (!signature_256.empty())
        return compare(signature_256, "sha256=", EVP_sha256(), secret, body);
    if (!signature_1.empty())
        return compare(signature_1, "sha1=", EVP_sha1(), secret, body);
    return SignatureCheck::missing;
}

std::string hubSignatureHex(std::string_view algorithm,
                            std::string_view secret,
                            std::string_view body) {
    if (algorithm == "sha256")
        return hmacHex(EVP_sha256(), secret, body);
    if (algorithm == "sha1")
        return hmacHex(EVP_sha1(), secret, body);
    return {};
}

}  // namespace vq::git
