#pragma once
// Effects carried out by this process: power through src/power (the host's BMC driver, a
// one-time PXE boot then a cycle or a graceful restart) and containers through src/container
// (podman or docker on this machine). Power and container calls block, so they run on a
// small pool of threads of their own; the engine's calls return at once.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "container/spec.h"

#include "power/driver_factory.h"
#include "server/effects.h"

namespace vq::server {

struct InProcessEffectsOptions {
    // Actions running at once (power calls mostly wait on a BMC); more wait in order.
    size_t threads = 64;
    container::RuntimeConfig runtime;
    power::DriverOptions drivers;
};

class InProcessEffects : public Effects {
public:
    explicit InProcessEffects(InProcessEffectsOptions options = {});
    // Waits for the actions running; those not started yet are dropped unanswered (the
    // engine that asked is stopping: its rollout state is not kept across a restart).
    ~InProcessEffects() override;
    InProcessEffects(const InProcessEffects&) = delete;
    InProcessEffects& operator=(const InProcessEffects&) = delete;

    void reboot(const std::string& host, const power::Target& target, Done done) override;
    void runContainers(const std::string& host,
                       workflow::ActionKind kind,
                       std::vector<container::ContainerSpec> specs,
                       Done done) override;

private:
    struct Job {
        std::function<void()> run;
        Done done;  // answered with a failure when it is posted while stopping
    };
    void post(Job job);
    void work();

    InProcessEffectsOptions options_;
    std::mutex mu_;
    std::condition_variable cv_;
    std::deque<Job> queue_;
    bool stopping_ = false;
    std::vector<std::thread> workers_;
};

}  // namespace vq::server
