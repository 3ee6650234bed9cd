#include "remote/revision_cache.h"

#include <fstream>
#include <sstream>

namespace vq::remote {
namespace fs = std::filesystem;

namespace {

Status writeAtomically(const fs::path& file, const std::string& data) {
    std::error_code ec;
    fs::create_directories(file.parent_path(), ec);
    const fs::path tmp = file.string() + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(data.data(), static_cast<std::streamsize>(data.size()));
        out.flush();
        if (!out)
            return Status::unavailable("cannot write " + tmp.string());
    }
    fs::rename(tmp, file, ec);
    if (ec)
        return Status::unavailable("cannot replace " + file.string() + ": " + ec.message());
    return Status::ok();
}

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
    VQ_TRY(writeAtomically(dir_ / "bundle.zst", r.blob));
    return writeAtomically(dir_ / "revision.json", control::wire::encodeRevision(r.info));
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
    return writeAtomically(dir_ / "manifest.json", json);
}

Result<std::string> RevisionCache::loadManifest() const {
    return readWhole(dir_ / "manifest.json");
}

}  // namespace vq::remote
