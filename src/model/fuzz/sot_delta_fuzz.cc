// Fuzz entry for applying a SoT delta, as an agent does with what its server sends. An input
// that starts with the delta magic is used as it is; any other input is taken as the body of a
// delta and compressed here first, so that mutations reach the body's parser instead of dying
// in zstd's checks. The body's first 8 bytes name its base, and the base applied to is that
// number, so the base check passes unless the input is a whole delta made for another base.
// A delta that applies must survive a round trip: packed again from the same base, it applies
// to the same files.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <zstd.h>

#include "model/sot_delta.h"

namespace {

const std::vector<vq::model::SotFile>& baseFiles() {
    static const std::vector<vq::model::SotFile> files = {
        {"assets/ignition/a.yml", "ignition: {}\n"},
        {"boot/b.yml", "id: b1\n"},
        {"os/os.yml", "id: os1\n"},
        {"sites/s1/env.yml", "id: s1\n"},
    };
    return files;
}

uint64_t baseNamedBy(std::string_view body) {
    uint64_t base = 0;
    for (size_t i = 0; i < 8 && i < body.size(); ++i)
        base = (base << 8) | static_cast<uint8_t>(body[i]);
    return base;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    namespace model = vq::model;
    const std::string_view in(reinterpret_cast<const char*>(data), size);
    std::string blob;
    uint64_t base = 7;
    if (model::isSotDelta(in)) {
        blob = in;
    } else {
        blob = model::kSotDeltaMagic;
        const size_t magic = blob.size();
        blob.resize(magic + ZSTD_compressBound(in.size()));
        const size_t n =
            ZSTD_compress(blob.data() + magic, blob.size() - magic, in.data(), in.size(), 1);
        if (ZSTD_isError(n))
            return 0;
        blob.resize(magic + n);
        base = baseNamedBy(in);
    }
    const model::SotBundleLimits limits{100, 1 << 20};
    auto files = model::applySotDelta(base, baseFiles(), blob, limits);
    if (!files)
        return 0;
    auto again =
        model::applySotDelta(base, baseFiles(), model::packSotDelta(base, baseFiles(), *files),
                             model::SotBundleLimits{1000, 4 << 20});
    if (!again || again->size() != files->size())
        __builtin_trap();
    for (size_t i = 0; i < files->size(); ++i) {
        if ((*again)[i].path != (*files)[i].path || (*again)[i].data != (*files)[i].data)
            __builtin_trap();
    }
    return 0;
}
