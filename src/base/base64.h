#pragma once
// Base64 (RFC 4648) in the two forms the project speaks: standard with padding (§4, how
// etcd's JSON gateway carries keys and values) and base64url without padding (§5, JWT).

#include <optional>
#include <string>
#include <string_view>

namespace vq {

enum class Base64 {
    standard,  // '+' '/', padded with '=' to a multiple of four
    url,       // '-' '_', no padding
};

std::string base64Encode(std::string_view bytes, Base64 form = Base64::standard);
// nullopt on any character outside the form's alphabet, on padding the form does not have
// (or in the wrong place), or on an impossible length.
std::optional<std::string> base64Decode(std::string_view text, Base64 form = Base64::standard);

}  // namespace vq
