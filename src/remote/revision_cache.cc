#include "remote/revision_cache.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include <nlohmann/json.hpp>

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

// A file name revision.json may name: no directories, nothing hidden.
bool plainName(const std::string& name) {
    return !name.empty() && name.find('/') == std::string::npos && name[0] != '.';
}

}  // namespace

Status RevisionCache::writeIndex(const control::wire::RevisionInfo& info) const {
    auto j = nlohmann::json::parse(control::wire::encodeRevision(info));
    j["bundle"] = bundle_file_;
    auto deltas = nlohmann::json::array();
    for (const auto& l : chain_)
        deltas.push_back({{"file", l.file}, {"base", l.base}});
    j["deltas"] = std::move(deltas);
    return replaceFile(dir_ / "revision.json", j.dump());
}

Status RevisionCache::saveRevision(const CachedRevision& r) {
    // The bundle first: revision.json names files that are already complete.
    const std::string file = "bundle-" + std::to_string(r.info.revision) + ".zst";
    VQ_TRY(replaceFile(dir_ / file, r.blob));
    const std::string old_bundle = bundle_file_;
    const std::vector<Link> old_chain = std::move(chain_);
    bundle_file_ = file;
    bundle_bytes_ = r.blob.size();
    chain_.clear();
    newest_ = r.info.revision;
    VQ_TRY(writeIndex(r.info));
    // What the index no longer names.
    std::error_code ec;
    if (old_bundle != file)
        fs::remove(dir_ / (old_bundle.empty() ? "bundle.zst" : old_bundle), ec);
    for (const auto& l : old_chain)
        fs::remove(dir_ / l.file, ec);
    return Status::ok();
}

Status RevisionCache::saveDelta(const control::wire::RevisionInfo& info,
                                uint64_t base,
                                std::string blob) {
    size_t chained = blob.size();
    for (const auto& l : chain_)
        chained += l.bytes;
    if (bundle_file_.empty() || base != newest_ || chain_.size() >= kMaxDeltas ||
        chained > std::max<size_t>(bundle_bytes_ / 4, 64 * 1024))
        return Status::failedPrecondition("the cached chain takes no more deltas");
    const std::string file = "delta-" + std::to_string(info.revision) + ".zst";
    VQ_TRY(replaceFile(dir_ / file, blob));
    chain_.push_back(Link{file, base, blob.size()});
    newest_ = info.revision;
    if (Status st = writeIndex(info); !st) {
        chain_.pop_back();
        newest_ = base;
        return st;
    }
    return Status::ok();
}

Result<CachedRevision> RevisionCache::loadRevision() {
    auto meta = readWhole(dir_ / "revision.json");
    if (!meta)
        return meta.status();
    auto info = control::wire::decodeRevision(*meta);
    if (!info)
        return info.status();
    const auto j = nlohmann::json::parse(*meta, nullptr, false);
    std::string bundle = "bundle.zst";  // as written before chains
    std::vector<Link> chain;
    if (j.is_object()) {
        if (auto b = j.find("bundle"); b != j.end() && b->is_string())
            bundle = b->get<std::string>();
        if (auto d = j.find("deltas"); d != j.end() && d->is_array()) {
            for (const auto& l : *d) {
                if (!l.is_object() || !l.contains("file") || !l["file"].is_string() ||
                    !l.contains("base") || !l["base"].is_number_unsigned())
                    return Status::invalidArgument("revision.json: a delta without file and base");
                chain.push_back(Link{l["file"].get<std::string>(), l["base"].get<uint64_t>(), 0});
            }
        }
    }
    if (!plainName(bundle))
        return Status::invalidArgument("revision.json: bad bundle name");
    CachedRevision out;
    out.info = *info;
    auto blob = readWhole(dir_ / bundle);
    if (!blob)
        return blob.status();
    out.blob = std::move(*blob);
    for (auto& l : chain) {
        if (!plainName(l.file))
            return Status::invalidArgument("revision.json: bad delta name");
        auto d = readWhole(dir_ / l.file);
        if (!d)
            return d.status();
        l.bytes = d->size();
        out.deltas.push_back(CachedDelta{l.base, std::move(*d)});
    }
    newest_ = info->revision;
    bundle_file_ = bundle;
    bundle_bytes_ = out.blob.size();
    chain_ = std::move(chain);
    return out;
}

namespace {

std::string pinnedFile(uint64_t revision) {
    return "pinned-" + std::to_string(revision) + ".zst";
}

}  // namespace

Status RevisionCache::savePinned(uint64_t revision, const std::string& blob) {
    return replaceFile(dir_ / pinnedFile(revision), blob);
}

void RevisionCache::dropPinnedExcept(const std::set<uint64_t>& keep) {
    std::error_code ec;
    for (uint64_t r : pinnedRevisions()) {
        if (keep.count(r) == 0)
            fs::remove(dir_ / pinnedFile(r), ec);
    }
}

std::set<uint64_t> RevisionCache::pinnedRevisions() const {
    std::set<uint64_t> out;
    std::error_code ec;
    for (fs::directory_iterator it(dir_, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.rfind("pinned-", 0) != 0 || name.size() <= 11 ||
            name.compare(name.size() - 4, 4, ".zst") != 0)
            continue;
        const std::string digits = name.substr(7, name.size() - 11);
        if (digits.empty() || digits.size() > 19 ||
            digits.find_first_not_of("0123456789") != std::string::npos)
            continue;
        out.insert(std::stoull(digits));
    }
    return out;
}

Result<std::string> RevisionCache::loadPinned(uint64_t revision) const {
    return readWhole(dir_ / pinnedFile(revision));
}

Status RevisionCache::saveManifest(const std::string& json) {
    return replaceFile(dir_ / "manifest.json", json);
}

Result<std::string> RevisionCache::loadManifest() const {
    return readWhole(dir_ / "manifest.json");
}

}  // namespace vq::remote
