#include "http/connection_table.h"

#include <algorithm>

#include <sys/resource.h>

namespace vq::http {

ConnectionTable::ConnectionTable(size_t max_connections)
    : max_(std::max<size_t>(1, max_connections)) {}

std::shared_ptr<ConnectionTable::Slot> ConnectionTable::admit(std::function<void()> evict) {
    std::shared_ptr<Slot> victim;
    auto slot = std::make_shared<Slot>();
    slot->next_tick_ = &tick_;
    slot->evict_ = std::move(evict);
    slot->waiting();
    {
        std::lock_guard lock(mu_);
        if (slots_.size() >= max_) {
            // Linear, but only at the bound, where it is what keeps the server answering.
            uint64_t oldest = UINT64_MAX;
            auto pick = slots_.end();
            for (auto it = slots_.begin(); it != slots_.end(); ++it) {
                const uint64_t since = (*it)->waiting_since_.load();
                if (since != 0 && since < oldest) {
                    oldest = since;
                    pick = it;
                }
            }
            if (pick == slots_.end()) {
                refused_.fetch_add(1);
                return nullptr;
            }
            victim = *pick;
            victim->evicted_ = true;
            slots_.erase(pick);
            evicted_.fetch_add(1);
        }
        slots_.push_back(slot);
        slot->pos_ = std::prev(slots_.end());
    }
    if (victim && victim->evict_)
        victim->evict_();
    return slot;
}

void ConnectionTable::release(const std::shared_ptr<Slot>& slot) {
    if (!slot)
        return;
    std::lock_guard lock(mu_);
    if (slot->evicted_.load() || slot->next_tick_ == nullptr)
        return;
    slots_.erase(slot->pos_);
    slot->next_tick_ = nullptr;
}

size_t ConnectionTable::open() const {
    std::lock_guard lock(mu_);
    return slots_.size();
}

size_t connectionLimitFor(size_t wanted) {
    constexpr size_t kReserve = 64;
    rlimit rl{};
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return wanted;
    const size_t half = static_cast<size_t>(rl.rlim_cur) / 2;
    return std::clamp<size_t>(half > kReserve ? half - kReserve : 1, 1, wanted);
}

}  // namespace vq::http
