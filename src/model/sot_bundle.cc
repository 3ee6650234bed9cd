#include "model/sot_bundle.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <system_error>

#include <zstd.h>

#include "base/bytes.h"

namespace vq::model {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMagic = "VQSOT1";
constexpr size_t kMaxPath = 4096;
constexpr int kLevel = 3;  // zstd's default: fast to make, and agents unpack at ~1 GB/s

// A path is kept only when writing it under a directory cannot leave that directory.
bool safePath(std::string_view p) {
    if (p.empty() || p.size() > kMaxPath || p.front() == '/' || p.find('\0') != p.npos ||
        p.find('\\') != p.npos)
        return false;
    size_t start = 0;
    while (start <= p.size()) {
        size_t end = p.find('/', start);
        if (end == p.npos)
            end = p.size();
        const std::string_view part = p.substr(start, end - start);
        if (part.empty() || part == "." || part == "..")
            return false;
        start = end + 1;
    }
    return true;
}

bool under(const fs::path& path, const fs::path& root) {
    auto rel = path.lexically_relative(root);
    return !rel.empty() && *rel.begin() != "..";
}

Result<std::string> readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Status::error("cannot read " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad())
        return Status::error("cannot read " + path.string());
    return std::move(s).str();
}

}  // namespace

Result<std::vector<SotFile>> readSotFiles(const fs::path& root) {
    std::error_code ec;
    const fs::path base = fs::canonical(root, ec);
    if (ec || !fs::is_directory(base))
        return Status::notFound("SoT directory " + root.string() + " does not exist");
    std::vector<SotFile> files;
    fs::recursive_directory_iterator it(base, ec), end;
    for (; !ec && it != end; it.increment(ec)) {
        const fs::directory_entry& e = *it;
        if (e.path().filename() == ".git") {
            it.disable_recursion_pending();
            continue;
        }
        if (!e.is_regular_file(ec))
            continue;  // directories, sockets, and links to directories or to nothing
        if (e.is_symlink(ec) && !under(fs::weakly_canonical(e.path(), ec), base))
            continue;
        auto data = readFile(e.path());
        if (!data)
            return data.status();
        files.push_back(SotFile{e.path().lexically_relative(base).generic_string(), *data});
    }
    if (ec)
        return Status::error("cannot list " + root.string() + ": " + ec.message());
    std::sort(files.begin(), files.end(),
              [](const SotFile& a, const SotFile& b) { return a.path < b.path; });
    return files;
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
        if (!safePath(path))
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
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        return Status::error("cannot create " + dir.string() + ": " + ec.message());
    if (!fs::is_empty(dir, ec) || ec)
        return Status::failedPrecondition(dir.string() + " is not an empty directory");
    for (const auto& f : files) {
        if (!safePath(f.path))
            return Status::invalidArgument("unsafe path '" + f.path + "'");
        const fs::path target = dir / fs::path(f.path);
        fs::create_directories(target.parent_path(), ec);
        if (ec)
            return Status::error("cannot create " + target.parent_path().string() + ": " +
                                 ec.message());
        std::ofstream out(target, std::ios::binary | std::ios::trunc);
        out.write(f.data.data(), static_cast<std::streamsize>(f.data.size()));
        out.close();
        if (!out)
            return Status::error("cannot write " + target.string());
    }
    return Status::ok();
}

}  // namespace vq::model
