#include "server/in_process_effects.h"

#include "container/runner.h"

#include "power/perform.h"

namespace vq::server {

InProcessEffects::InProcessEffects(InProcessEffectsOptions options) : options_(std::move(options)) {
    const size_t n = options_.threads == 0 ? 1 : options_.threads;
    for (size_t i = 0; i < n; ++i)
        workers_.emplace_back([this] { work(); });
}

InProcessEffects::~InProcessEffects() {
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
        queue_.clear();  // never started: dropped, the engine that asked is stopping too
    }
    cv_.notify_all();
    for (auto& w : workers_)
        w.join();
}

void InProcessEffects::post(Job job) {
    {
        std::lock_guard lock(mu_);
        if (!stopping_) {
            queue_.push_back(std::move(job));
            job.done = nullptr;
        }
    }
    if (job.done) {
        job.done(false, "not run: the server is stopping");
        return;
    }
    cv_.notify_one();
}

void InProcessEffects::work() {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(mu_);
            cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (queue_.empty())
                return;  // stopping
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        job.run();
    }
}

void InProcessEffects::reboot(const std::string&, const power::Target& target, Done done) {
    const power::DriverOptions drivers = options_.drivers;
    Job job;
    job.done = done;
    job.run = [target, drivers, done] {
        auto driver = power::makeDriver(target, drivers);
        if (!driver) {
            done(false, driver.message());
            return;
        }
        auto r = power::reprovisionReboot(**driver, target.soft_reboot);
        done(static_cast<bool>(r), r ? std::string() : power::redact(r.message(), target));
    };
    post(std::move(job));
}

void InProcessEffects::runContainers(const std::string&,
                                     workflow::ActionKind,
                                     std::vector<container::ContainerSpec> specs,
                                     Done done) {
    const container::RuntimeConfig runtime = options_.runtime;
    Job job;
    job.done = done;
    job.run = [specs = std::move(specs), runtime, done] {
        container::ContainerRunner runner(runtime);
        auto r = runner.runPipeline(specs);
        std::string error;
        if (!r.ok)
            error = r.steps.empty() ? "pipeline failed" : r.steps.back().error;
        done(r.ok, std::move(error));
    };
    post(std::move(job));
}

}  // namespace vq::server
