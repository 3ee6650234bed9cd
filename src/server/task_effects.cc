#include "server/task_effects.h"

#include "container/spec_json.h"
#include <nlohmann/json.hpp>

#include "power/target_json.h"

namespace vq::server {
namespace {

// "lab/node1" -> {"lab", "node1"}
std::pair<std::string, std::string> splitKey(const std::string& key) {
    const auto slash = key.find('/');
    if (slash == std::string::npos)
        return {std::string(), key};
    return {key.substr(0, slash), key.substr(slash + 1)};
}

}  // namespace

TaskEffects::TaskEffects(TaskQueue& queue, TaskEffectsOptions options)
    : queue_(queue), options_(options) {}

void TaskEffects::reboot(const ActionRef& action, const power::Target& target, Done done) {
    control::Task t;
    t.id = action.id;
    std::tie(t.site, t.host) = splitKey(action.host);
    t.kind = std::string(control::kPowerTask);
    t.args = power::targetToJson(target);
    t.timeout_s = static_cast<uint32_t>(options_.power_timeout.count() +
                                        (target.soft_reboot ? target.soft_timeout : 0));
    queue_.submit(std::move(t), std::move(done));
}

void TaskEffects::runContainers(const ActionRef& action,
                                workflow::ActionKind kind,
                                std::vector<container::ContainerSpec> specs,
                                Done done) {
    control::Task t;
    t.id = action.id;
    std::tie(t.site, t.host) = splitKey(action.host);
    t.kind = std::string(control::kContainersTask);
    t.args = R"({"step":)" + nlohmann::json(std::string(workflow::toString(kind))).dump() +
             R"(,"containers":)" + container::specsToJson(specs) + "}";
    // Every attempt of every container may take its whole timeout.
    uint64_t seconds = 60;
    for (const auto& s : specs) {
        const int each = s.timeout_s > 0 ? s.timeout_s : options_.container_timeout_s;
        seconds += static_cast<uint64_t>(each) * static_cast<uint64_t>(1 + std::max(0, s.retry));
    }
    t.timeout_s = static_cast<uint32_t>(std::min<uint64_t>(seconds, 86'400));
    queue_.submit(std::move(t), std::move(done));
}

}  // namespace vq::server
