#include "auth/jwt.h"

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "base/base64.h"

namespace vq::auth {
namespace {

std::string hmacSha256(std::string_view data, std::string_view key) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
    return std::string(reinterpret_cast<const char*>(out), len);
}

Status denied(std::string why) {
    return Status::permissionDenied("token refused: " + why);
}

}  // namespace

std::string signHs256(std::string_view claims_json, std::string_view secret) {
    static const std::string kHeader = base64Encode(R"({"alg":"HS256","typ":"JWT"})", Base64::url);
    std::string input = kHeader + "." + base64Encode(claims_json, Base64::url);
    const std::string sig = hmacSha256(input, secret);
    return input + "." + base64Encode(sig, Base64::url);
}

Result<std::string> verifyHs256(std::string_view token, std::string_view secret, int64_t now) {
    if (token.size() > kMaxTokenBytes)
        return denied("too long");
    const size_t dot1 = token.find('.');
    const size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
    if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos)
        return denied("not three dot-separated parts");
    const auto header_text = base64Decode(token.substr(0, dot1), Base64::url);
    const auto payload_text = base64Decode(token.substr(dot1 + 1, dot2 - dot1 - 1), Base64::url);
    const auto signature = base64Decode(token.substr(dot2 + 1), Base64::url);
    if (!header_text || !payload_text || !signature)
        return denied("not base64url");

    // The algorithm first: only HS256 is ever verified.
    const auto header = nlohmann::json::parse(*header_text, nullptr, false);
    if (!header.is_object())
        return denied("header is not a JSON object");
    const auto alg = header.find("alg");
    if (alg == header.end() || !alg->is_string())
        return denied("no alg");
    if (alg->get<std::string>() != "HS256")
        return denied("alg " + alg->dump() + " is not accepted (HS256 only)");

    const std::string expected = hmacSha256(token.substr(0, dot2), secret);
    if (signature->size() != expected.size() ||
        CRYPTO_memcmp(signature->data(), expected.data(), expected.size()) != 0)
        return denied("bad signature");

    const auto payload = nlohmann::json::parse(*payload_text, nullptr, false);
    if (!payload.is_object())
        return denied("payload is not a JSON object");
    const auto exp = payload.find("exp");
    if (exp == payload.end() || !exp->is_number_integer())
        return denied("no exp");
    if (exp->get<int64_t>() <= now)
        return denied("expired");
    return *payload_text;
}

}  // namespace vq::auth
