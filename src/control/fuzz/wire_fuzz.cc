// Fuzzes what the ServerAPI and its agents read from each other: every JSON body of
// control/wire.h. Nothing may crash; what decodes must encode again.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "control/wire.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    namespace wire = vq::control::wire;
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    if (auto events = wire::decodeEvents(input))
        (void)wire::encodeEvents(*events);
    if (auto m = wire::decodeManifest(input))
        (void)wire::encodeManifest(*m);
    if (auto c = wire::decodeCheckpoint(input))
        (void)wire::encodeCheckpoint(*c);
    (void)wire::decodeCheckpointAnswer(input);
    (void)wire::decodeRevision(input);
    if (auto t = wire::decodeTasks(input))
        (void)wire::encodeTasks(*t);
    if (auto r = wire::decodeTaskResults(input))
        (void)wire::encodeTaskResults(*r);
    (void)wire::errorMessage(input);
    return 0;
}
