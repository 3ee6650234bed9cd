#include "server/manifest_cache.h"

#include "control/wire.h"

#include "base/log.h"

namespace vq::server {

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
    auto& kept = cache->kept;
    Snapshot* now = nullptr;
    for (auto& s : kept) {
        if (s.changes == changes && s.revision == revision)
            now = &s;
    }
    if (now == nullptr) {
        auto entries = std::make_shared<Entries>();
        entries->reserve(site.hosts.size());
        for (const auto& host : site.hosts)
            entries->emplace(host.name, served_(site, host, model));
        // A newer count replaces an older one made for the same count (a revision that
        // arrived between the two polls); the rest stay as bases for deltas.
        std::erase_if(kept, [&](const Snapshot& s) { return s.changes == changes; });
        kept.push_back(Snapshot{changes, revision, std::move(entries), nullptr, {}});
        while (kept.size() > keep_)
            kept.pop_front();
        now = &kept.back();
        ++made_;
    }
    const Snapshot* base = nullptr;
    if (since != 0 && since != changes) {
        for (const auto& s : kept) {
            if (s.changes == since)
                base = &s;
        }
    }
    VQ_LOG_DEBUG("MANIFEST_ANSWER site={} changes={} since={} form={}", site.id, changes, since,
                 base != nullptr ? "delta" : "whole");
    if (base == nullptr) {
        if (!now->whole) {
            control::wire::Manifest m;
            m.revision = now->revision;
            m.changes = now->changes;
            m.hosts = *now->entries;
            now->whole = std::make_shared<const std::string>(control::wire::encodeManifest(m));
        }
        return now->whole;
    }
    auto& delta = now->delta[since];
    if (!delta) {
        control::wire::Manifest m;
        m.revision = now->revision;
        m.changes = now->changes;
        m.base = since;
        for (const auto& [name, served] : *now->entries) {
            auto it = base->entries->find(name);
            if (it == base->entries->end() || it->second.boot != served.boot ||
                it->second.stage != served.stage)
                m.hosts.emplace(name, served);
        }
        for (const auto& [name, served] : *base->entries) {
            if (now->entries->count(name) == 0)
                m.removed.push_back(name);
        }
        delta = std::make_shared<const std::string>(control::wire::encodeManifest(m));
    }
    ++deltas_;
    return delta;
}

}  // namespace vq::server
