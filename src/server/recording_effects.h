#pragma once
// Effects that touch nothing: every request is recorded, and the caller answers it when it
// chooses (a test playing the BMC and the container engine).

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "server/effects.h"

namespace vq::server {

class RecordingEffects : public Effects {
public:
    struct Request {
        std::string host;
        std::string id;  // the idempotency key
        workflow::ActionKind kind = workflow::ActionKind::reboot;
        power::Target target;                         // reboot
        std::vector<container::ContainerSpec> specs;  // containers
        Done done;
        bool answered = false;
    };

    void reboot(const ActionRef& action, const power::Target& target, Done done) override {
        Request r;
        r.host = action.host;
        r.id = action.id;
        r.target = target;
        r.done = std::move(done);
        add(std::move(r));
    }
    void runContainers(const ActionRef& action,
                       workflow::ActionKind kind,
                       std::vector<container::ContainerSpec> specs,
                       Done done) override {
        Request r;
        r.host = action.host;
        r.id = action.id;
        r.kind = kind;
        r.specs = std::move(specs);
        r.done = std::move(done);
        add(std::move(r));
    }

    // Every request so far, answered or not (a copy).
    std::vector<Request> requests() const {
        std::lock_guard lock(mu_);
        return requests_;
    }
    // Waits until at least `n` requests were made; false on timeout.
    bool waitFor(size_t n, std::chrono::milliseconds timeout) {
        std::unique_lock lock(mu_);
        return cv_.wait_for(lock, timeout, [&] { return requests_.size() >= n; });
    }
    // Answers request `i` (once); false when there is no such unanswered request.
    bool answer(size_t i, bool ok, std::string error = {}) {
        Done done;
        {
            std::lock_guard lock(mu_);
            if (i >= requests_.size() || requests_[i].answered)
                return false;
            requests_[i].answered = true;
            done = requests_[i].done;
        }
        done(ok, std::move(error));  // outside the lock: it calls back into the engine
        return true;
    }

private:
    void add(Request r) {
        {
            std::lock_guard lock(mu_);
            requests_.push_back(std::move(r));
        }
        cv_.notify_all();
    }

    mutable std::mutex mu_;
    std::condition_variable cv_;
    std::vector<Request> requests_;
};

}  // namespace vq::server
