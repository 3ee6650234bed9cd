#pragma once
// JSON string literals written by hand, for the ServerAPI's bulk texts (event batches,
// manifests of 100,000 hosts) that are not worth a JSON tree.

#include <string>
#include <string_view>

namespace vq::control::wire {

// Appends `s` as a JSON string. Bytes that are not valid UTF-8 become U+FFFD, as nlohmann's
// `replace` handler would write them: a DHCP client's junk never makes a batch unreadable.
void appendJsonString(std::string& out, std::string_view s);

}  // namespace vq::control::wire
