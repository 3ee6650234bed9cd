#include "server/revision_follower.h"

#include "base/log.h"

namespace vq::server {

RevisionFollower::RevisionFollower(Handle handle) : handle_(std::move(handle)) {}

RevisionFollower::~RevisionFollower() {
    stop();
}

void RevisionFollower::push(control::RevisionPtr rev) {
    {
        std::lock_guard lock(mu_);
        if (running_) {
            if (waiting_)
                VQ_LOG_INFO("ROLLOUT_SUPERSEDED revision={} by={}", waiting_->number, rev->number);
            waiting_ = std::move(rev);
            changed_.notify_all();
            return;
        }
    }
    handle_(rev);
}

void RevisionFollower::start() {
    std::lock_guard lock(mu_);
    if (running_)
        return;
    running_ = true;
    stopping_ = false;
    thread_ = std::thread([this] { run(); });
}

void RevisionFollower::stop() {
    {
        std::lock_guard lock(mu_);
        if (!running_)
            return;
        stopping_ = true;
        changed_.notify_all();
    }
    thread_.join();
    std::lock_guard lock(mu_);
    running_ = false;
}

void RevisionFollower::drain() {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [this] { return !running_ || (!waiting_ && !busy_); });
}

void RevisionFollower::run() {
    std::unique_lock lock(mu_);
    for (;;) {
        changed_.wait(lock, [this] { return stopping_ || waiting_ != nullptr; });
        if (!waiting_ && stopping_)
            return;
        control::RevisionPtr rev = std::move(waiting_);
        waiting_.reset();
        busy_ = true;
        lock.unlock();
        handle_(rev);
        lock.lock();
        busy_ = false;
        changed_.notify_all();
    }
}

}  // namespace vq::server
