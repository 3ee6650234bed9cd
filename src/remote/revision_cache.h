#pragma once
// What the agent keeps under SavePath so that it boots known hosts through a server outage
// and starts without its server: the newest revision's bundle (as received), which revision
// it is, and the newest state manifest. Files are replaced by rename: a crash leaves the old
// copy or the new one.

#include <filesystem>
#include <string>

#include "control/wire.h"

#include "base/result.h"

namespace vq::remote {

struct CachedRevision {
    control::wire::RevisionInfo info;
    std::string blob;
};

class RevisionCache {
public:
    explicit RevisionCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

    Status saveRevision(const CachedRevision& r);
    Result<CachedRevision> loadRevision() const;  // not_found when nothing is cached
    Status saveManifest(const std::string& json);
    Result<std::string> loadManifest() const;

    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path dir_;
};

}  // namespace vq::remote
