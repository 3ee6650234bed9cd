#pragma once
// JSON Web Tokens signed with HMAC-SHA256 (RFC 7519, "HS256"), and nothing else: the
// algorithm is pinned, so a token whose header says "none", "HS512" or "RS256" is refused
// before its signature is even looked at (no algorithm confusion). Signatures are compared
// in constant time; `exp` is required and enforced. Tokens come from the network: anything
// malformed is an error, never a crash.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace vq::auth {

// Longer tokens are refused unread.
inline constexpr size_t kMaxTokenBytes = 4096;

// `claims_json` is a JSON object (the payload); the header is {"alg":"HS256","typ":"JWT"}.
std::string signHs256(std::string_view claims_json, std::string_view secret);

// The payload (a JSON object text) of a token signed with `secret`, whose `exp` (seconds
// since the epoch) is after `now`. Errors are permission_denied, with the reason.
Result<std::string> verifyHs256(std::string_view token, std::string_view secret, int64_t now);

}  // namespace vq::auth
