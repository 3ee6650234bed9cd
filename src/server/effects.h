#pragma once
// What the state engine does to machines, as an interface it owns: reboot a host for its
// reprovisioning, run a boot's container pipeline. Both are asynchronous: a call returns at
// once and `done` is called later (from any thread, at most once: an action not yet
// started when the effects are destroyed is dropped) with the result, which the
// engine feeds back to its rollout. InProcessEffects runs them in this process; tests use
// RecordingEffects; a server with remote agents will hand them out as tasks.

#include <functional>
#include <string>
#include <vector>

#include "container/spec.h"

#include "power/target.h"
#include "workflow/rollout.h"

namespace vq::server {

class Effects {
public:
    // ok, and why not.
    using Done = std::function<void(bool ok, std::string error)>;
    virtual ~Effects() = default;

    // One-time PXE boot, then a power cycle (or a graceful restart per bmc.soft_reboot).
    virtual void reboot(const std::string& host, const power::Target& target, Done done) = 0;
    // A boot's before_shutdown or validate containers, stopping at the first failure.
    virtual void runContainers(const std::string& host,
                               workflow::ActionKind kind,
                               std::vector<container::ContainerSpec> specs,
                               Done done) = 0;
};

}  // namespace vq::server
