#include "server/manifest_cache.h"

#include <vector>

#include "control/wire.h"

#include "base/log.h"

namespace vq::server {
namespace {

bool same(const control::ServedBoot& a, const control::ServedBoot& b) {
    return a.boot == b.boot && a.stage == b.stage && a.revision == b.revision;
}

}  // namespace

void ManifestCache::make(SiteCache& cache,
                         const model::Model& model,
                         const model::Site& site,
                         uint64_t revision,
                         uint64_t changes) {
    // The hosts are read between two reads of the followed revision: when the engine
    // planned a revision meanwhile, some hosts were read before and some after, and they are
    // read again (else the hosts read before would name the old revision, and every entry
    // would move twice). A few tries: revisions are rare.
    uint64_t follow = 0;
    std::vector<control::ServedBoot> now(site.hosts.size());
    for (int attempt = 0; attempt < 3; ++attempt) {
        follow = follow_ ? follow_() : 0;
        for (size_t i = 0; i < site.hosts.size(); ++i)
            now[i] = served_(site, site.hosts[i], model);
        if ((follow_ ? follow_() : 0) == follow)
            break;
    }
    const bool first = cache.changes == 0;
    auto& entries = cache.entries;
    if (first)
        entries.reserve(site.hosts.size());
    size_t seen = 0;
    for (size_t i = 0; i < site.hosts.size(); ++i) {
        const model::Host& host = site.hosts[i];
        control::ServedBoot& s = now[i];
        if (follow != 0 && s.revision == follow)
            s.revision = 0;
        auto [it, added] = entries.try_emplace(host.name);
        if (added) {
            it->second = Entry{std::move(s), changes};
        } else if (!same(it->second.served, s)) {
            it->second.served = std::move(s);
            it->second.moved = changes;
        }
        ++seen;
    }
    if (entries.size() > seen) {
        for (auto it = entries.begin(); it != entries.end();) {
            if (model.host(site.id, it->first) != nullptr) {
                ++it;
                continue;
            }
            cache.removed.emplace_back(changes, it->first);
            it = entries.erase(it);
        }
        // A delta from before the oldest removal remembered could not name every host gone.
        while (cache.removed.size() > removals_) {
            cache.oldest = cache.removed.front().first;
            cache.removed.pop_front();
        }
    }
    if (first)
        cache.oldest = changes;
    cache.changes = changes;
    cache.revision = revision;
    cache.follow = follow;
    cache.whole.reset();
    cache.delta.clear();
    ++made_;
}

std::shared_ptr<const std::string> ManifestCache::answer(const model::Model& model,
                                                         const model::Site& site,
                                                         uint64_t revision,
                                                         uint64_t changes,
                                                         uint64_t since) {
    std::shared_ptr<SiteCache> cache;
    {
        std::lock_guard lock(mu_);
        auto& slot = sites_[site.id];
        if (!slot)
            slot = std::make_shared<SiteCache>();
        cache = slot;
    }
    std::lock_guard lock(cache->mu);
    // A manifest made for a later count than the one asked for is at least as new.
    if (changes > cache->changes)
        make(*cache, model, site, revision, changes);
    const bool delta = since != 0 && since >= cache->oldest && since <= cache->changes;
    VQ_LOG_DEBUG("MANIFEST_ANSWER site={} changes={} since={} form={}", site.id, cache->changes,
                 since, delta ? "delta" : "whole");
    control::wire::Manifest m;
    m.revision = cache->revision;
    m.changes = cache->changes;
    m.follow = cache->follow;
    if (!delta) {
        if (!cache->whole) {
            m.hosts.reserve(cache->entries.size());
            for (const auto& [name, e] : cache->entries)
                m.hosts.emplace(name, e.served);
            cache->whole = std::make_shared<const std::string>(control::wire::encodeManifest(m));
        }
        return cache->whole;
    }
    auto& answer = cache->delta[since];
    if (!answer) {
        m.base = since;
        for (const auto& [name, e] : cache->entries) {
            if (e.moved > since)
                m.hosts.emplace(name, e.served);
        }
        for (auto it = cache->removed.rbegin(); it != cache->removed.rend() && it->first > since;
             ++it) {
            // A host gone and back since is in `hosts`, as it is now.
            if (cache->entries.count(it->second) == 0)
                m.removed.push_back(it->second);
        }
        answer = std::make_shared<const std::string>(control::wire::encodeManifest(m));
        VQ_LOG_DEBUG("MANIFEST_DELTA site={} changes={} since={} hosts={} removed={}", site.id,
                     cache->changes, since, m.hosts.size(), m.removed.size());
    }
    ++deltas_;
    return answer;
}

}  // namespace vq::server
