#include "server/rollout_of_model.h"

#include <algorithm>
#include <chrono>

#include "model/host_roles.h"

namespace vq::server {

std::string hostKey(const model::Site& site, const model::Host& host) {
    return site.id + "/" + host.name;
}

const model::Boot* lastBoot(const model::Model& model, const model::Host& host) {
    auto boots = model::stageBoots(model, host);
    return boots.empty() ? nullptr : model.boot(boots.back());
}

std::string flowId(const std::string& site, const std::string& workflow) {
    return site + "/" + workflow;
}

workflow::RolloutHost rolloutHost(const model::Model& model,
                                  const model::Site& site,
                                  const model::Host& host) {
    workflow::RolloutHost h;
    h.key = hostKey(site, host);
    h.workflow = flowId(site.id, host.workflow);
    h.stages = static_cast<uint32_t>(std::max<size_t>(1, model::stageBoots(model, host).size()));
    h.has_bmc = model::powerInterface(host) != nullptr;
    h.never_provision = host.never_provision;
    if (const model::Boot* b = lastBoot(model, host); b != nullptr) {
        h.has_before_shutdown = !b->before_shutdown.empty();
        h.has_validate = !b->validate.empty();
    }
    return h;
}

std::vector<workflow::RolloutHost> rolloutHosts(const model::Model& model) {
    std::vector<workflow::RolloutHost> out;
    for (const auto& site : model.sites()) {
        for (const auto& host : site.hosts)
            out.push_back(rolloutHost(model, site, host));
    }
    return out;
}

std::vector<workflow::WorkflowRules> rolloutRules(const model::Model& model) {
    std::vector<workflow::WorkflowRules> out;
    for (const auto& site : model.sites()) {
        workflow::FailurePolicy policy;
        policy.stage_timeout = std::chrono::seconds(site.policy.timeout_s);
        policy.retry = site.policy.retry;
        policy.then = site.policy.then;
        for (const auto& wf : model.workflows()) {
            workflow::WorkflowRules r;
            r.id = flowId(site.id, wf.id);
            r.max_concurrent = wf.deps.max_concurrent;
            r.min_standing = wf.deps.min_standing;
            for (const auto& dep : wf.deps.block_deps)
                r.block_deps.push_back(flowId(site.id, dep));
            for (const auto& dep : wf.deps.validate_on)
                r.validate_on.push_back(flowId(site.id, dep));
            r.max_fail = wf.deps.max_fail;
            r.policy = policy;
            out.push_back(std::move(r));
        }
        workflow::WorkflowRules seed;  // hosts without a workflow (seed era)
        seed.id = flowId(site.id, "");
        seed.policy = policy;
        out.push_back(std::move(seed));
    }
    return out;
}

bool rolloutSettingsMoved(const model::Model& before,
                          const model::Model& now,
                          const model::Site& site,
                          const model::Host& host) {
    const workflow::RolloutHost was = rolloutHost(before, site, host),
                                is = rolloutHost(now, site, host);
    return was.stages != is.stages || was.has_before_shutdown != is.has_before_shutdown ||
           was.has_validate != is.has_validate;
}

}  // namespace vq::server
