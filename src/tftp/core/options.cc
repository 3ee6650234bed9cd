#include "tftp/core/options.h"

#include <algorithm>
#include <optional>
#include <string>

#include "base/text.h"

namespace vq::tftp {

Negotiated negotiate(const std::vector<Option>& requested,
                     uint64_t file_size,
                     const SessionLimits& limits) {
    Negotiated n;
    n.timeout = limits.default_timeout;
    for (const auto& opt : requested) {
        auto v = parseDecimal(opt.value);
        if (!v)
            continue;  // decimal only: a malformed option is ignored (RFC 2347)
        if (opt.name == "blksize") {
            if (*v < 8)
                continue;  // RFC 2348: 8..65464; a smaller request is invalid
            uint64_t size = std::min<uint64_t>({*v, 65464, limits.max_block_size});
            n.block_size = static_cast<uint16_t>(size);
            n.oack.push_back({opt.name, std::to_string(size)});
        } else if (opt.name == "tsize") {
            // For a read the client sends 0 and the server answers the size.
            n.oack.push_back({opt.name, std::to_string(file_size)});
        } else if (opt.name == "timeout") {
            if (*v < 1 || *v > 255)
                continue;
            n.timeout = std::chrono::seconds(*v);
            n.oack.push_back({opt.name, std::to_string(*v)});
        } else if (opt.name == "windowsize") {
            if (*v < 1 || *v > 65535)
                continue;
            uint64_t w = std::min<uint64_t>(*v, std::max<uint16_t>(limits.max_window_size, 1));
            n.window_size = static_cast<uint16_t>(w);
            n.oack.push_back({opt.name, std::to_string(w)});
        }
    }
    return n;
}

}  // namespace vq::tftp
