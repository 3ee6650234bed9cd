#pragma once
// Encodes the data model's typed `dhcp_options` entries ({option, type, value}) into raw
// option bytes, so the model validator (at load time) and the agent share one definition.
// Types: string, uint8, uint16, uint32, int8, int16, int32, addresses (comma-separated
// IPv4 list), base64 (raw bytes). Errors are one line, meant to be shown to operators.
#include <cstdint>
#include <string_view>

#include "base/result.h"
#include "dhcp/codec/packet.h"

namespace vq::dhcp {

Result<RawOption> encodeTypedOption(int64_t code, std::string_view type, std::string_view value);

}  // namespace vq::dhcp
