#include "server/change_clock.h"

namespace vq::server {

uint64_t ChangeClock::startCount() {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
    return us > 0 ? static_cast<uint64_t>(us) : 1;
}

void ChangeClock::tick() {
    {
        std::lock_guard lock(mu_);
        ++count_;
    }
    changed_.notify_all();
}

uint64_t ChangeClock::now() const {
    std::lock_guard lock(mu_);
    return count_;
}

uint64_t ChangeClock::waitPast(uint64_t seen, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    changed_.wait_for(lock, timeout, [&] { return closed_ || count_ != seen; });
    return count_;
}

void ChangeClock::close() {
    {
        std::lock_guard lock(mu_);
        closed_ = true;
    }
    changed_.notify_all();
}

}  // namespace vq::server
