#pragma once
// Internal to the codec: the slow path of encodeTo() with a size limit, taken only when a
// reply does not fit in its options field, and the wire helpers it shares with packet.cc.
#include <cstdint>
#include <vector>

#include "dhcp/codec/packet.h"

namespace vq::dhcp::detail {

// `out` becomes the 236-byte fixed header and the magic cookie (sname and file written
// from the packet's strings).
void writeFixedHeader(const Packet& p, std::vector<uint8_t>& out);

// Bytes an option takes on the wire, split into 255-byte pieces as RFC 3396 allows.
size_t optionWireSize(const RawOption& o);

// Places the options in the options field, then `file` and `sname` when the packet leaves
// them empty, then drops the least important ones; see encodeTo().
EncodeResult encodeOverloaded(const Packet& p, std::vector<uint8_t>& out, size_t max_size);

}  // namespace vq::dhcp::detail
