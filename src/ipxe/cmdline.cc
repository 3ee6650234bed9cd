#include "ipxe/cmdline.h"

#include <utility>

namespace vq::ipxe {

Result<std::vector<std::string>> translateCmdline(const std::vector<model::CmdlineEntry>& entries,
                                                  const RenderFn& render) {
    std::vector<std::string> tokens;
    tokens.reserve(entries.size());
    for (const auto& e : entries) {
        if (e.is_list) {
            for (const auto& v : e.values) {
                auto r = render(v);
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
        auto r = render(e.values.front());
        if (!r)
            return r.status();
        tokens.push_back(r->empty() ? e.key : e.key + "=" + *r);
    }
    return tokens;
}

std::vector<std::string> translateCmdline(const std::vector<model::CmdlineEntry>& entries) {
    auto r = translateCmdline(
        entries, [](std::string_view t) -> Result<std::string> { return std::string(t); });
    return r ? std::move(r).value() : std::vector<std::string>{};
}

}  // namespace vq::ipxe
