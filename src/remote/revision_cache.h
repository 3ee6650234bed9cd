#pragma once
// What the agent keeps under SavePath so that it boots known hosts through a server outage
// and starts without its server: the newest revision (a whole bundle, and the deltas that
// followed it, as received), which revision it is, and the newest state manifest. A new
// revision that came as a delta is appended as one: writing it costs its few bytes, where
// packing the whole SoT again would cost every agent a compression of all of it per change;
// the chain is folded into a new whole bundle once it is long. Files are replaced by
// rename, and revision.json (which names the bundle and the deltas) is written last: a
// crash leaves the old chain or the new one.

#include <cstdint>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "control/wire.h"

#include "base/result.h"

namespace vq::remote {

struct CachedDelta {
    uint64_t base = 0;  // the revision it applies to (the one before it in the chain)
    std::string blob;   // model/sot_delta.h
};

struct CachedRevision {
    control::wire::RevisionInfo info;  // the newest revision: the bundle with every delta
    std::string blob;                  // the whole bundle the chain starts from
    std::vector<CachedDelta> deltas;   // in order
};

class RevisionCache {
public:
    // Deltas appended before the chain is folded into a whole bundle.
    static constexpr size_t kMaxDeltas = 16;

    explicit RevisionCache(std::filesystem::path dir) : dir_(std::move(dir)) {}

    // A whole bundle (r.deltas empty): the chain starts again from it.
    Status saveRevision(const CachedRevision& r);
    // Appends a delta made against the newest revision cached, `base`. failed_precondition
    // when that is not the newest cached, or the chain is full (or its deltas outweigh a
    // quarter of the bundle and 64 KiB): save the whole instead.
    Status saveDelta(const control::wire::RevisionInfo& info, uint64_t base, std::string blob);
    Result<CachedRevision> loadRevision();  // not_found when nothing is cached
    // Whole bundles of the older revisions hosts are pinned to (pinned-<N>.zst), so that an
    // agent started from its cache serves them too.
    Status savePinned(uint64_t revision, const std::string& blob);
    // Removes the pinned bundles of every revision but those in `keep`.
    void dropPinnedExcept(const std::set<uint64_t>& keep);
    std::set<uint64_t> pinnedRevisions() const;
    Result<std::string> loadPinned(uint64_t revision) const;
    Status saveManifest(const std::string& json);
    Result<std::string> loadManifest() const;

    const std::filesystem::path& dir() const { return dir_; }

private:
    struct Link {
        std::string file;
        uint64_t base = 0;
        size_t bytes = 0;
    };
    Status writeIndex(const control::wire::RevisionInfo& info) const;

    std::filesystem::path dir_;
    // What revision.json says now (after a save or a load).
    uint64_t newest_ = 0;
    std::string bundle_file_;
    size_t bundle_bytes_ = 0;
    std::vector<Link> chain_;
};

}  // namespace vq::remote
