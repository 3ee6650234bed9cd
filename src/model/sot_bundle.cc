#include "model/sot_bundle.h"

#include <algorithm>
#include <system_error>

#include <zstd.h>

#include "base/bytes.h"

namespace vq::model {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "VQSOT1";
constexpr size_t kMaxPath = 4096;  // safeRelativePath's limit, for the size bound
// zstd's fastest level: a 15 MB SoT packs in ~40 ms instead of ~150 ms at the default (3),
// about as small (YAML inventories compress 10x either way), and agents unpack at ~1 GB/s.
constexpr int kLevel = 1;

}  // namespace

Result<std::vector<SotFile>> readSotFiles(const fs::path& root) {
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        return Status::notFound("SoT directory " + root.string() + " does not exist");
    std::vector<SotFile> files;
    std::string error;
    if (!readSotDir(root, files, error))
        return Status::error(error);
    return files;
}

Result<std::string> bundleOfDir(const fs::path& root) {
    auto files = readSotFiles(root);
    if (!files)
        return files.status();
    return packSot(std::move(*files));
}

std::string packSot(std::vector<SotFile> files) {
    std::sort(files.begin(), files.end(),
              [](const SotFile& a, const SotFile& b) { return a.path < b.path; });
    size_t raw_size = kMagic.size() + 4;
    for (const auto& f : files)
        raw_size += 8 + f.path.size() + f.data.size();
    ByteWriter w(raw_size);
    w.str(kMagic);
    w.u32(static_cast<uint32_t>(files.size()));
    for (const auto& f : files) {
        w.u32(static_cast<uint32_t>(f.path.size()));
        w.str(f.path);
        w.u32(static_cast<uint32_t>(f.data.size()));
        w.str(f.data);
    }
    const auto& raw = w.data();
    std::string out(ZSTD_compressBound(raw.size()), '\0');
    const size_t n = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), kLevel);
    // Compressing into a buffer of ZSTD_compressBound bytes cannot fail.
    out.resize(ZSTD_isError(n) ? 0 : n);
    return out;
}

Result<std::vector<SotFile>> unpackSot(std::string_view blob, const SotBundleLimits& limits) {
    const unsigned long long size = ZSTD_getFrameContentSize(blob.data(), blob.size());
    if (size == ZSTD_CONTENTSIZE_ERROR || size == ZSTD_CONTENTSIZE_UNKNOWN)
        return Status::invalidArgument("SoT bundle: not a zstd frame with a known size");
    if (size > limits.max_bytes + kMagic.size() + 4 + (8 + kMaxPath) * uint64_t{limits.max_files})
        return Status::invalidArgument("SoT bundle: " + std::to_string(size) +
                                       " bytes unpacked is over the limit");
    std::vector<uint8_t> raw(static_cast<size_t>(size));
    const size_t n = ZSTD_decompress(raw.data(), raw.size(), blob.data(), blob.size());
    if (ZSTD_isError(n) || n != raw.size())
        return Status::invalidArgument(std::string("SoT bundle: ") +
                                       (ZSTD_isError(n) ? ZSTD_getErrorName(n) : "short frame"));
    ByteReader r(raw);
    if (r.str(kMagic.size()) != kMagic)
        return Status::invalidArgument("SoT bundle: bad magic");
    const uint32_t count = r.u32();
    if (!r.ok() || count > limits.max_files)
        return Status::invalidArgument("SoT bundle: bad file count");
    std::vector<SotFile> files;
    files.reserve(std::min<size_t>(count, r.remaining() / 8));
    uint64_t total = 0;
    for (uint32_t i = 0; i < count; ++i) {
        const std::string_view path = r.str(r.u32());
        const std::string_view data = r.str(r.u32());
        if (!r.ok())
            return Status::invalidArgument("SoT bundle: truncated at file " + std::to_string(i));
        if (!safeRelativePath(path))
            return Status::invalidArgument("SoT bundle: unsafe path '" +
                                           std::string(path.substr(0, 200)) + "'");
        if (!files.empty() && path <= files.back().path)
            return Status::invalidArgument("SoT bundle: paths out of order or repeated at '" +
                                           std::string(path) + "'");
        total += data.size();
        if (total > limits.max_bytes)
            return Status::invalidArgument("SoT bundle: files over the size limit");
        files.push_back(SotFile{std::string(path), std::string(data)});
    }
    if (!r.atEnd())
        return Status::invalidArgument("SoT bundle: trailing bytes");
    return files;
}

Status writeSotFiles(const std::vector<SotFile>& files, const fs::path& dir) {
    return writeFilesInto(files, dir);
}

}  // namespace vq::model
