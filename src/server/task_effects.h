#pragma once
// Effects as tasks for the site's agents: the state engine's reboots and container
// pipelines become control::Tasks in a TaskQueue (rendered whole, BMC credentials
// included), run by an agent of the host's site (`vaquero agent`, or the agent inside
// `standalone`), and their reports answer the engine exactly as a local run would.

#include <string>
#include <vector>

#include "server/effects.h"
#include "server/task_queue.h"

namespace vq::server {

struct TaskEffectsOptions {
    // How long an agent may take for a power action, beyond the BMC's soft_timeout.
    std::chrono::seconds power_timeout{120};
    // For a container without a timeout of its own (the server's Containers.Timeout).
    int container_timeout_s = 600;
};

class TaskEffects : public Effects {
public:
    TaskEffects(TaskQueue& queue, TaskEffectsOptions options = {});

    void reboot(const ActionRef& action, const power::Target& target, Done done) override;
    void runContainers(const ActionRef& action,
                       workflow::ActionKind kind,
                       std::vector<container::ContainerSpec> specs,
                       Done done) override;

private:
    TaskQueue& queue_;
    TaskEffectsOptions options_;
};

}  // namespace vq::server
