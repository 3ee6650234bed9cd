#pragma once
// base64url without padding (RFC 4648 §5), as JWT uses it.

#include <optional>
#include <string>
#include <string_view>

namespace vq::auth {

std::string base64urlEncode(std::string_view bytes);
// nullopt on any character outside the alphabet, on padding, or on an impossible length.
std::optional<std::string> base64urlDecode(std::string_view text);

}  // namespace vq::auth
