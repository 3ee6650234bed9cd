#include "server/host_event_log.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "workflow/host_progress.h"

namespace vq::server {

nlohmann::json toJson(const HostEvent& event) {
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(event.time.time_since_epoch());
    nlohmann::json j = {{"time", workflow::formatTime(event.time)},
                        {"ms", ms.count()},
                        {"source", event.source},
                        {"kind", event.kind},
                        {"detail", event.detail}};
    if (event.mac)
        j["mac"] = event.mac->toString();
    if (event.ip)
        j["ip"] = event.ip->toString();
    return j;
}

std::string HostEventLog::key(std::string_view site, std::string_view host) {
    std::string k;
    k.reserve(site.size() + host.size() + 1);
    k.append(site).append("/").append(host);
    return k;
}

std::optional<ResolvedEvent> HostEventLog::record(const model::Model& model,
                                                  std::string_view site,
                                                  const HostEvent& event) {
    ResolvedEvent out;
    if (event.mac) {
        const auto match = model.findByMac(site, *event.mac);
        if (match) {
            out.site = match.site->id;
            out.host = match.host->name;
        }
    }
    std::lock_guard lock(mu_);
    if (out.host.empty() && event.ip) {
        if (auto it = by_address_.find(event.ip->value()); it != by_address_.end()) {
            out.site = it->second.first;
            out.host = it->second.second;
        }
    } else if (!out.host.empty() && event.ip && !event.ip->isZero() && event.source == "dhcp") {
        // Learn the address from DHCP, which hands it out (an HTTP client's address may be a
        // proxy's); a full table keeps what it has.
        auto it = by_address_.find(event.ip->value());
        if (it != by_address_.end()) {
            it->second = {out.site, out.host};
        } else if (by_address_.size() < limits_.max_addresses) {
            by_address_.emplace(event.ip->value(), std::make_pair(out.site, out.host));
        }
    }
    if (out.host.empty()) {
        ++dropped_;
        return std::nullopt;
    }
    const std::string k = key(out.site, out.host);
    auto it = by_host_.find(k);
    if (it == by_host_.end()) {
        while (!order_.empty() && by_host_.size() >= std::max<size_t>(1, limits_.max_hosts))
            forgetOldestHost();
        it = by_host_.emplace(k, std::deque<HostEvent>{}).first;
        order_.push_back(it->first);
    }
    it->second.push_back(event);
    ++events_;
    while (it->second.size() > limits_.per_host) {
        it->second.pop_front();
        --events_;
    }
    // The host just recorded is kept even when it is the oldest: the budget is then over by
    // at most its own ring, until another host reports.
    while (events_ > limits_.max_events && order_.size() > 1 && order_.front() != k)
        forgetOldestHost();
    out.event = event;
    return out;
}

void HostEventLog::forgetOldestHost() {
    auto victim = by_host_.find(order_.front());
    if (victim != by_host_.end()) {
        events_ -= victim->second.size();
        by_host_.erase(victim);
    }
    order_.pop_front();
}

std::vector<HostEvent> HostEventLog::events(std::string_view site, std::string_view host) const {
    std::lock_guard lock(mu_);
    auto it = by_host_.find(key(site, host));
    if (it == by_host_.end())
        return {};
    return {it->second.begin(), it->second.end()};
}

std::unordered_map<std::string, HostEvent> HostEventLog::latest() const {
    std::lock_guard lock(mu_);
    std::unordered_map<std::string, HostEvent> out;
    out.reserve(by_host_.size());
    for (const auto& [k, ring] : by_host_) {
        if (!ring.empty())
            out.emplace(k, ring.back());
    }
    return out;
}

uint64_t HostEventLog::dropped() const {
    std::lock_guard lock(mu_);
    return dropped_;
}

size_t HostEventLog::eventCount() const {
    std::lock_guard lock(mu_);
    return events_;
}

}  // namespace vq::server
