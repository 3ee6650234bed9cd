#include "model/sot_delta.h"

#include <zstd.h>

#include "base/bytes.h"

namespace vq::model {
namespace {

constexpr std::string_view kMagic = kSotDeltaMagic;
constexpr size_t kMaxPath = 4096;
constexpr int kLevel = 3;

void writeU64(ByteWriter& w, uint64_t v) {
    w.u32(static_cast<uint32_t>(v >> 32));
    w.u32(static_cast<uint32_t>(v));
}

uint64_t readU64(ByteReader& r) {
    const uint64_t hi = r.u32();
    return (hi << 32) | r.u32();
}

bool byPath(const SotFile& a, const SotFile& b) {
    return a.path < b.path;
}

}  // namespace

bool isSotDelta(std::string_view blob) {
    return blob.starts_with(kMagic);
}

std::string packSotDelta(uint64_t base,
                         const std::vector<SotFile>& from,
                         const std::vector<SotFile>& to) {
    std::vector<const SotFile*> changed;
    std::vector<const std::string*> deleted;
    size_t i = 0, j = 0;
    while (i < from.size() || j < to.size()) {
        if (j == to.size() || (i < from.size() && from[i].path < to[j].path)) {
            deleted.push_back(&from[i++].path);
        } else if (i == from.size() || to[j].path < from[i].path) {
            changed.push_back(&to[j++]);
        } else {
            if (from[i].data != to[j].data)
                changed.push_back(&to[j]);
            ++i;
            ++j;
        }
    }
    size_t raw_size = 16;
    for (const SotFile* f : changed)
        raw_size += 8 + f->path.size() + f->data.size();
    for (const std::string* p : deleted)
        raw_size += 4 + p->size();
    ByteWriter w(raw_size);
    writeU64(w, base);
    w.u32(static_cast<uint32_t>(changed.size()));
    for (const SotFile* f : changed) {
        w.u32(static_cast<uint32_t>(f->path.size()));
        w.str(f->path);
        w.u32(static_cast<uint32_t>(f->data.size()));
        w.str(f->data);
    }
    w.u32(static_cast<uint32_t>(deleted.size()));
    for (const std::string* p : deleted) {
        w.u32(static_cast<uint32_t>(p->size()));
        w.str(*p);
    }
    const auto& raw = w.data();
    std::string out(kMagic);
    out.resize(kMagic.size() + ZSTD_compressBound(raw.size()));
    const size_t n = ZSTD_compress(out.data() + kMagic.size(), out.size() - kMagic.size(),
                                   raw.data(), raw.size(), kLevel);
    // Compressing into a buffer of ZSTD_compressBound bytes cannot fail.
    out.resize(kMagic.size() + (ZSTD_isError(n) ? 0 : n));
    return out;
}

Result<std::vector<SotFile>> applySotDelta(uint64_t base,
                                           const std::vector<SotFile>& base_files,
                                           std::string_view blob,
                                           const SotBundleLimits& limits) {
    if (!isSotDelta(blob))
        return Status::invalidArgument("SoT delta: bad magic");
    blob.remove_prefix(kMagic.size());
    const unsigned long long size = ZSTD_getFrameContentSize(blob.data(), blob.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN)
        return Status::invalidArgument("SoT delta: not a zstd frame with a known size");
    if (size > limits.max_bytes + 16 + (8 + kMaxPath) * 2 * uint64_t{limits.max_files})
        return Status::invalidArgument("SoT delta: " + std::to_string(size) +
                                       " bytes unpacked is over the limit");
    std::vector<uint8_t> raw(static_cast<size_t>(size));
    const size_t n = ZSTD_decompress(raw.data(), raw.size(), blob.data(), blob.size());
    if (ZSTD_isError(n) || n != raw.size())
        return Status::invalidArgument(std::string("SoT delta: ") +
                                       (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame"));
    ByteReader r(raw);
    const uint64_t made_from = readU64(r);
    if (!r.ok())
        return Status::invalidArgument("SoT delta: truncated");
    if (made_from != base)
        return Status::failedPrecondition("SoT delta: made against revision " +
                                          std::to_string(made_from) + ", not " +
                                          std::to_string(base));
    auto readPath = [&r](std::string_view& out) -> Status {
        out = r.str(r.u32());
        if (!r.ok())
            return Status::invalidArgument("SoT delta: truncated");
        if (!safeRelativePath(out))
            return Status::invalidArgument("SoT delta: unsafe path '" +
                                           std::string(out.substr(0, 200)) + "'");
        return Status::ok();
    };
    const uint32_t changed = r.u32();
    if (!r.ok() || changed > limits.max_files)
        return Status::invalidArgument("SoT delta: bad file count");
    std::vector<SotFile> updates;
    updates.reserve(std::min<size_t>(changed, r.remaining() / 8));
    for (uint32_t i = 0; i < changed; ++i) {
        std::string_view path;
        VQ_TRY(readPath(path));
        const std::string_view data = r.str(r.u32());
        if (!r.ok())
            return Status::invalidArgument("SoT delta: truncated at file " + std::to_string(i));
        if (!updates.empty() && path <= updates.back().path)
            return Status::invalidArgument("SoT delta: paths out of order or repeated");
        updates.push_back(SotFile{std::string(path), std::string(data)});
    }
    const uint32_t deleted = r.u32();
    if (!r.ok() || deleted > limits.max_files)
        return Status::invalidArgument("SoT delta: bad deletion count");
    std::vector<std::string_view> gone;
    gone.reserve(std::min<size_t>(deleted, r.remaining() / 4));
    for (uint32_t i = 0; i < deleted; ++i) {
        std::string_view path;
        VQ_TRY(readPath(path));
        if (!gone.empty() && path <= gone.back())
            return Status::invalidArgument("SoT delta: deletions out of order or repeated");
        gone.push_back(path);
    }
    if (!r.atEnd())
        return Status::invalidArgument("SoT delta: trailing bytes");

    // Merge: base files minus deletions, replaced or joined by the updates.
    std::vector<SotFile> out;
    out.reserve(base_files.size() + updates.size());
    size_t u = 0, g = 0;
    uint64_t total = 0;
    auto add = [&](SotFile f) -> Status {
        total += f.data.size();
        if (total > limits.max_bytes || out.size() >= limits.max_files)
            return Status::invalidArgument("SoT delta: the result is over the limits");
        out.push_back(std::move(f));
        return Status::ok();
    };
    for (const SotFile& f : base_files) {
        while (u < updates.size() && updates[u].path < f.path)
            VQ_TRY(add(std::move(updates[u++])));
        while (g < gone.size() && gone[g] < f.path)
            ++g;
        if (u < updates.size() && updates[u].path == f.path) {
            VQ_TRY(add(std::move(updates[u++])));
            continue;
        }
        if (g < gone.size() && gone[g] == f.path)
            continue;
        VQ_TRY(add(f));
    }
    while (u < updates.size())
        VQ_TRY(add(std::move(updates[u++])));
    if (!std::is_sorted(out.begin(), out.end(), byPath))
        return Status::invalidArgument("SoT delta: the base is not sorted");
    return out;
}

}  // namespace vq::model
