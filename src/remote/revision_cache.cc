#include "remote/revision_cache.h"

#include <fstream>
#include <sstream>

#include "base/file_set.h"

namespace vq::remote {
namespace fs = std::filesystem;

namespace {

Result<std::string> readWhole(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in)
        return Status::notFound("nothing cached in " + file.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

Status RevisionCache::saveRevision(const CachedRevision& r) {
    // The bundle first: revision.json names a bundle that is already complete.
    VQ_TRY(replaceFile(dir_ / "bundle.zst", r.blob));
    return replaceFile(dir_ / "revision.json", control::wire::encodeRevision(r.info));
}

Result<CachedRevision> RevisionCache::loadRevision() const {
    auto meta = readWhole(dir_ / "revision.json");
    if (!meta)
        return meta.status();
    auto info = control::wire::decodeRevision(*meta);
    if (!info)
        return info.status();
    auto blob = readWhole(dir_ / "bundle.zst");
    if (!blob)
        return blob.status();
    return CachedRevision{*info, std::move(*blob)};
}

Status RevisionCache::saveManifest(const std::string& json) {
    return replaceFile(dir_ / "manifest.json", json);
}

Result<std::string> RevisionCache::loadManifest() const {
    return readWhole(dir_ / "manifest.json");
}

}  // namespace vq::remote
