// Fuzzes the TFTP decoder and re-encoding: no input may crash, and anything that decodes
// must re-encode into something that decodes to the same kind of packet.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "tftp/codec/packet.h"

using namespace vq::tftp;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto p = decode(std::span<const uint8_t>(data, size));
    if (!p)
        return 0;
    std::vector<uint8_t> again;
    if (auto* r = std::get_if<Request>(&*p)) {
        again = encodeRequest(*r);
    } else if (auto* d = std::get_if<Data>(&*p)) {
        again = encodeData(d->block, d->payload);
    } else if (auto* a = std::get_if<Ack>(&*p)) {
        again = encodeAck(a->block);
    } else if (auto* e = std::get_if<Error>(&*p)) {
        again = encodeError(e->code, e->message);
    } else if (auto* o = std::get_if<OAck>(&*p)) {
        again = encodeOAck(o->options);
    }
    auto q = decode(again);
    if (!q || q->index() != p->index())
        std::abort();
    return 0;
}
