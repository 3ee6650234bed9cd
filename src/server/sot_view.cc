#include "server/sot_view.h"

namespace vq::server {

const SotView* viewOfSite(const std::vector<SotView>& views, std::string_view site) {
    if (views.empty())
        return nullptr;
    if (views.size() > 1) {
        for (const auto& v : views) {
            auto m = v.model ? v.model() : nullptr;
            if (m && m->site(site) != nullptr)
                return &v;
        }
    }
    return &views.front();
}

}  // namespace vq::server
