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

}  // namespace vq::model
