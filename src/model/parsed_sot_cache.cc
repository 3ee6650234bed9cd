#include "model/parsed_sot_cache.h"

namespace vq::model {

ParsedSotCache::Stats ParsedSotCache::lastLoad() const {
    std::lock_guard lock(mu_);
    return last_;
}

size_t ParsedSotCache::size() const {
    std::lock_guard lock(mu_);
    return files_.size();
}

ParsedSotCacheLoad::ParsedSotCacheLoad(ParsedSotCache* cache) : cache_(cache) {
    if (cache_ != nullptr)
        load_lock_ = std::unique_lock(cache_->load_mu_);
}

ParsedSotCacheLoad::~ParsedSotCacheLoad() {
    if (cache_ == nullptr)
        return;
    std::lock_guard lock(cache_->mu_);
    cache_->files_ = std::move(next_);
    cache_->sites_ = std::move(next_sites_);
    cache_->last_ = stats_;
}

std::shared_ptr<const ParsedSotFile> ParsedSotCacheLoad::find(const std::string& path,
                                                              const std::string& data) {
    if (cache_ == nullptr)
        return nullptr;
    std::lock_guard lock(cache_->mu_);
    auto it = cache_->files_.find(path);
    if (it == cache_->files_.end() || it->second->data != data)
        return nullptr;
    return it->second;
}

void ParsedSotCacheLoad::keep(const std::string& path,
                              std::shared_ptr<const ParsedSotFile> parsed,
                              bool reused) {
    if (cache_ == nullptr)
        return;
    ++(reused ? stats_.reused : stats_.parsed);
    next_[path] = std::move(parsed);
}

const CachedSite* ParsedSotCacheLoad::findSite(
    const std::string& dir, const std::vector<std::shared_ptr<const ParsedSotFile>>& inputs) {
    if (cache_ == nullptr)
        return nullptr;
    // Only this load replaces the entries (load_lock_), so the one found stays valid.
    std::lock_guard lock(cache_->mu_);
    auto it = cache_->sites_.find(dir);
    if (it == cache_->sites_.end() || it->second.inputs != inputs)
        return nullptr;
    return &it->second;
}

void ParsedSotCacheLoad::keepSite(const std::string& dir,
                                  CachedSite site,
                                  bool reused,
                                  bool rechecked) {
    if (cache_ == nullptr)
        return;
    if (reused)
        ++stats_.sites_reused;
    if (rechecked)
        ++stats_.sites_rechecked;
    next_sites_[dir] = std::move(site);
}

}  // namespace vq::model
