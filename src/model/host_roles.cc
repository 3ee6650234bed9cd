#include "model/host_roles.h"

namespace vq::model {
namespace {

bool drivable(const Interface& i) {
    if (!i.bmc)
        return false;
    const Bmc& b = *i.bmc;
    const bool addressed = i.ipv4.has_value() || !i.hostname.empty();
    if (b.type == "ipmi" || b.type == "ssh")
        return addressed;
    return b.type == "custom" && b.container && !b.container->image.empty();
}

}  // namespace

std::vector<std::string_view> stageBoots(const Model& model, const Host& host) {
    if (!host.boot.empty())
        return {host.boot};
    std::vector<std::string_view> boots;
    if (const Workflow* wf = model.workflow(host.workflow)) {
        boots.reserve(wf->stages.size());
        for (const auto& s : wf->stages)
            boots.emplace_back(s.boot);
    }
    return boots;
}

const Interface* bootInterface(const Host& host) {
    const Interface* any = nullptr;
    for (const auto& i : host.interfaces) {
        if (!i.mac)
            continue;
        if (i.type != "bmc")
            return &i;
        if (any == nullptr)
            any = &i;
    }
    return any;
}

const Interface* powerInterface(const Host& host) {
    const Interface* physical = nullptr;
    for (const auto& i : host.interfaces) {
        if (!drivable(i))
            continue;
        if (i.type == "bmc")
            return &i;
        if (physical == nullptr)
            physical = &i;
    }
    return physical;
}

}  // namespace vq::model
