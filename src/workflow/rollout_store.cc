#include "workflow/rollout_store.h"

#include <algorithm>

namespace vq::workflow {

Result<RolloutState> MemoryRolloutStore::loadRollout(size_t history) {
    std::lock_guard lock(mu_);
    RolloutState s;
    s.follow = follow_;
    for (const auto& [key, h] : hosts_)
        s.hosts.push_back(h);
    for (const auto& [id, f] : flows_)
        s.flows.push_back(f);
    for (const auto& [key, list] : history_) {
        const size_t skip = list.size() > history ? list.size() - history : 0;
        s.history[key] =
            std::vector<StoredTransition>(list.begin() + static_cast<long>(skip), list.end());
    }
    return s;
}

RolloutStore::Ticket MemoryRolloutStore::saveRollout(RolloutChanges changes,
                                                     std::vector<StoredTransition> transitions,
                                                     size_t history) {
    std::lock_guard lock(mu_);
    const Ticket t = next_ticket_++;
    if (fail_writes_) {
        results_[t] = Status::unavailable("memory store: writes fail");
        return t;
    }
    ++writes_;
    for (auto& h : changes.hosts)
        hosts_[h.key] = std::move(h);
    for (auto& f : changes.flows)
        flows_[f.id] = std::move(f);
    if (changes.follow != 0)
        follow_ = changes.follow;
    for (auto& tr : transitions) {
        auto& list = history_[tr.transition.host];
        list.push_back(std::move(tr));
        while (list.size() > history)
            list.pop_front();
    }
    results_[t] = Status::ok();
    return t;
}

Status MemoryRolloutStore::wait(Ticket ticket) {
    std::lock_guard lock(mu_);
    auto it = results_.find(ticket);
    if (it == results_.end())
        return Status::ok();
    Status st = it->second;
    results_.erase(it);
    return st;
}

Result<uint64_t> MemoryRolloutStore::allocateRevisionNumber(uint64_t at_least) {
    std::lock_guard lock(mu_);
    if (fail_writes_)
        return Status::unavailable("memory store: writes fail");
    const uint64_t n = std::max(next_revision_, at_least);
    next_revision_ = n + 1;
    return n;
}

Status MemoryRolloutStore::saveRevision(const StoredRevision& revision) {
    std::lock_guard lock(mu_);
    if (fail_writes_)
        return Status::unavailable("memory store: writes fail");
    revisions_[revision.number] = revision;
    return Status::ok();
}

Result<std::optional<StoredRevision>> MemoryRolloutStore::latestRevision() {
    std::lock_guard lock(mu_);
    if (revisions_.empty())
        return std::optional<StoredRevision>();
    return std::optional<StoredRevision>(revisions_.rbegin()->second);
}

Result<std::optional<StoredRevision>> MemoryRolloutStore::revision(uint64_t number) {
    std::lock_guard lock(mu_);
    auto it = revisions_.find(number);
    if (it == revisions_.end())
        return std::optional<StoredRevision>();
    return std::optional<StoredRevision>(it->second);
}

Status MemoryRolloutStore::pruneRevisions(size_t keep, const std::set<uint64_t>& pinned) {
    std::lock_guard lock(mu_);
    size_t seen = 0;
    for (auto it = revisions_.rbegin(); it != revisions_.rend();) {
        const bool kept = seen++ < keep || pinned.count(it->first) != 0;
        if (kept)
            ++it;
        else
            it = std::make_reverse_iterator(revisions_.erase(std::next(it).base()));
    }
    return Status::ok();
}

Result<std::vector<uint64_t>> MemoryRolloutStore::revisionNumbers() {
    std::lock_guard lock(mu_);
    std::vector<uint64_t> out;
    for (const auto& [n, r] : revisions_)
        out.push_back(n);
    return out;
}

void MemoryRolloutStore::failWrites(bool fail) {
    std::lock_guard lock(mu_);
    fail_writes_ = fail;
}

size_t MemoryRolloutStore::writes() const {
    std::lock_guard lock(mu_);
    return writes_;
}

}  // namespace vq::workflow
