#pragma once
// What the state engine does to machines, as an interface it owns: reboot a host for its
// reprovisioning, run a boot's container pipeline. Both are asynchronous: a call returns at
// once and `done` is called later (from any thread, at most once: an action not yet
// started when the effects are destroyed is dropped) with the result, which the
// engine feeds back to its rollout. TaskEffects hands them to the site's agents as tasks
// (in `standalone` the agent is in this process); tests use RecordingEffects.

#include <functional>
#include <string>
#include <vector>

#include "container/spec.h"

#include "power/target.h"
#include "workflow/rollout.h"

namespace vq::server {

// Which action: the host it acts on ("site/host") and its idempotency key, one per state
// transition and the same when a restart issues that transition's action again.
struct ActionRef {
    std::string host;
    std::string id;
};

class Effects {
public:
    // ok, and why not.
    using Done = std::function<void(bool ok, std::string error)>;
    virtual ~Effects() = default;

    // One-time PXE boot, then a power cycle (or a graceful restart per bmc.soft_reboot).
    virtual void reboot(const ActionRef& action, const power::Target& target, Done done) = 0;
    // A boot's before_shutdown or validate containers, stopping at the first failure.
    virtual void runContainers(const ActionRef& action,
                               workflow::ActionKind kind,
                               std::vector<container::ContainerSpec> specs,
                               Done done) = 0;
};

}  // namespace vq::server
