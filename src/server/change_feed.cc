#include "server/change_feed.h"

#include <nlohmann/json.hpp>

#include "server/host_event_log.h"

namespace vq::server {

uint64_t ChangeFeed::publish(std::string json) {
    std::lock_guard lock(mu_);
    messages_.push_back(std::move(json));
    while (messages_.size() > keep_) {
        messages_.pop_front();
        ++first_;
    }
    return first_ + messages_.size() - 1;
}

ChangeFeed::Batch ChangeFeed::since(uint64_t after, size_t max_bytes) const {
    std::lock_guard lock(mu_);
    Batch out;
    out.last = after;
    const uint64_t end = first_ + messages_.size();  // next sequence number
    if (after + 1 < first_) {
        out.lost = true;
        after = first_ - 1;
        out.last = after;
    }
    if (after >= end)
        return out;  // nothing new (or a reader from a future that a restart erased)
    size_t bytes = 0;
    for (uint64_t seq = after + 1; seq < end; ++seq) {
        const std::string& m = messages_[static_cast<size_t>(seq - first_)];
        if (!out.messages.empty() && bytes + m.size() > max_bytes)
            break;
        bytes += m.size();
        out.messages.push_back(m);
        out.last = seq;
    }
    return out;
}

uint64_t ChangeFeed::last() const {
    std::lock_guard lock(mu_);
    return first_ + messages_.size() - 1;
}

void ChangeFeedSink::record(HostEvent event) {
    if (changes_ != nullptr)
        changes_->tick();
    if (feed_.watched()) {
        nlohmann::json j = toJson(event);
        j["type"] = "state";
        feed_.publish(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
    if (next_ != nullptr)
        next_->record(std::move(event));
}

}  // namespace vq::server
