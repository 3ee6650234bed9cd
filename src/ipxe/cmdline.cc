#include "ipxe/cmdline.h"

#include <utility>

namespace vq::ipxe {

Result<std::vector<std::string>> translateCmdline(const std::vector<model::CmdlineEntry>& entries,
                                                  const RenderFn& render) {
    std::vector<std::string> tokens;
    tokens.reserve(entries.size());
    for (size_t n = 0; n < entries.size(); ++n) {
        const auto& e = entries[n];
        if (e.is_list) {
            for (size_t k = 0; k < e.values.size(); ++k) {
                auto r = render(n, k, e.values[k]);
                if (!r)
                    return r.status();
                tokens.push_back(e.key + "=" + *r);
            }
            continue;
        }
        if (e.values.empty()) {
            tokens.push_back(e.key);
            continue;
        }
        auto r = render(n, 0, e.values.front());
        if (!r)
            return r.status();
        tokens.push_back(r->empty() ? e.key : e.key + "=" + *r);
    }
    return tokens;
}

std::vector<std::string> translateCmdline(const std::vector<model::CmdlineEntry>& entries) {
    auto r = translateCmdline(
        entries,
        [](size_t, size_t, std::string_view t) -> Result<std::string> { return std::string(t); });
    return r ? std::move(r).value() : std::vector<std::string>{};
}

}  // namespace vq::ipxe
