#pragma once
// What parsing and decoding each SoT file gave, kept between loads so that a reload parses
// only the files that changed and then links the model again (indices, cross-document
// checks). A file's share of a load depends on its path and bytes alone (the decoders see
// one document at a time), so an entry is reused when both are the same; the bytes are
// compared, not only hashed, so no collision can serve a stale parse. A load keeps exactly
// the files it was given: deleted and renamed files leave the cache.
//
// Parsing dominates a load (a 100,000-host SoT: ~5 s parsing, ~1 s decoding, linking and
// validating), which is why parses, not models, are what is kept.

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/diagnostic.h"
#include "model/model.h"
#include "model/types.h"
#include "model/validate.h"

namespace vq::model {

// One file's decoded documents and the problems they showed.
struct ParsedSotFile {
    std::string data;  // the bytes this was parsed from
    std::vector<Diagnostic> diagnostics;
    // os/, boot/, workflows/ files.
    std::vector<Os> oses;
    std::vector<Boot> boots;
    std::vector<Workflow> workflows;
    // sites/<dir>/env.yml: the env document decoded (dir and the defaults taken from it are
    // the loader's).
    std::optional<Site> env;
    // sites/<dir>/<inventory>.yml: its hosts, in order, and its first cluster `config:`.
    std::vector<Host> hosts;
    std::optional<SotConfig> config;
};

// One site as a load linked and checked it, and the parsed files it was made of (its env,
// then its inventories in order). A load given the very same parsed files (same pointers:
// same paths and bytes) takes the same site object, and its checks while they still hold.
struct CachedSite {
    std::vector<std::shared_ptr<const ParsedSotFile>> inputs;
    std::shared_ptr<const IndexedSite> site;
    std::shared_ptr<const SiteChecks> checks;
};

class ParsedSotCache {
public:
    struct Stats {
        size_t reused = 0;           // files of the last load taken from the cache
        size_t parsed = 0;           // files of the last load parsed
        size_t sites_reused = 0;     // sites of the last load taken whole from the cache
        size_t sites_rechecked = 0;  // of those, sites whose checks had to run again
    };
    Stats lastLoad() const;
    size_t size() const;

private:
    friend class ParsedSotCacheLoad;
    mutable std::mutex mu_;
    std::unordered_map<std::string, std::shared_ptr<const ParsedSotFile>> files_;
    std::unordered_map<std::string, CachedSite> sites_;  // by directory under sites/
    Stats last_;
    std::mutex load_mu_;  // one load at a time uses (and then replaces) the entries
};

// One load's use of a cache (or of none): hands out the entries of unchanged files and
// collects what the load parsed; the cache then holds exactly this load's files.
class ParsedSotCacheLoad {
public:
    explicit ParsedSotCacheLoad(ParsedSotCache* cache);
    ~ParsedSotCacheLoad();
    ParsedSotCacheLoad(const ParsedSotCacheLoad&) = delete;
    ParsedSotCacheLoad& operator=(const ParsedSotCacheLoad&) = delete;

    // The entry for `path` when its bytes are `data`, or null.
    std::shared_ptr<const ParsedSotFile> find(const std::string& path, const std::string& data);
    void keep(const std::string& path, std::shared_ptr<const ParsedSotFile> parsed, bool reused);

    // The site an earlier load made of exactly these parsed files, or null.
    const CachedSite* findSite(const std::string& dir,
                               const std::vector<std::shared_ptr<const ParsedSotFile>>& inputs);
    // What this load made of a site directory; `reused` and `rechecked` count for lastLoad().
    void keepSite(const std::string& dir, CachedSite site, bool reused, bool rechecked);

private:
    ParsedSotCache* cache_;
    std::unique_lock<std::mutex> load_lock_;
    std::unordered_map<std::string, std::shared_ptr<const ParsedSotFile>> next_;
    std::unordered_map<std::string, CachedSite> next_sites_;
    ParsedSotCache::Stats stats_;
};

}  // namespace vq::model
