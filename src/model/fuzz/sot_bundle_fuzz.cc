// Fuzz entry for the SoT bundle decoder: agents unpack what their server sends, and the
// server what its store holds. Any input must give files or an error, never a crash.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "model/sot_bundle.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view blob(reinterpret_cast<const char*>(data), size);
    // Small limits so a frame that claims gigabytes is refused before anything is allocated.
    auto files = vq::model::unpackSot(blob, vq::model::SotBundleLimits{1000, 1 << 20});
    if (files)
        (void)vq::model::packSot(*files);
    return 0;
}
