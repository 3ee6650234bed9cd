#pragma once
// Standard base64 with padding (RFC 4648 §4): how etcd's JSON gateway carries keys and
// values.

#include <optional>
#include <string>
#include <string_view>

namespace vq::etcd {

std::string base64Encode(std::string_view bytes);
// nullopt on any character outside the alphabet or an impossible length.
std::optional<std::string> base64Decode(std::string_view text);

}  // namespace vq::etcd
