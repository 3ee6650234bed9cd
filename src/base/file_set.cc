#include "base/file_set.h"

#include <fstream>
#include <system_error>

namespace vq {
namespace {

namespace fs = std::filesystem;

constexpr size_t kMaxPath = 4096;

Status writeAll(const std::vector<NamedFile>& files, const fs::path& dir) {
    std::error_code ec;
    for (const auto& f : files) {
        if (!safeRelativePath(f.path))
            return Status::invalidArgument("unsafe path '" + f.path.substr(0, 200) + "'");
        const fs::path target = dir / fs::path(f.path);
        fs::create_directories(target.parent_path(), ec);
        if (ec)
            return Status::unavailable("cannot create " + target.parent_path().string() + ": " +
                                       ec.message());
        std::ofstream out(target, std::ios::binary | std::ios::trunc);
        out.write(f.data.data(), static_cast<std::streamsize>(f.data.size()));
        if (!out.flush())
            return Status::unavailable("cannot write " + target.string());
    }
    return Status::ok();
}

}  // namespace

bool safeRelativePath(std::string_view p) {
    if (p.empty() || p.size() > kMaxPath || p.front() == '/' || p.find('\0') != p.npos)
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

Status writeFilesInto(const std::vector<NamedFile>& files, const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        return Status::unavailable("cannot create " + dir.string() + ": " + ec.message());
    if (!fs::is_empty(dir, ec) || ec)
        return Status::failedPrecondition(dir.string() + " is not an empty directory");
    return writeAll(files, dir);
}

Status replaceDirectory(const std::vector<NamedFile>& files, const fs::path& dir) {
    const fs::path staging = dir.string() + ".new";
    const fs::path old = dir.string() + ".old";
    std::error_code ec;
    fs::remove_all(staging, ec);
    fs::create_directories(staging, ec);
    if (ec)
        return Status::unavailable("cannot create " + staging.string() + ": " + ec.message());
    if (Status st = writeAll(files, staging); !st)
        return st;
    fs::remove_all(old, ec);
    if (fs::exists(dir, ec))
        fs::rename(dir, old, ec);
    if (ec)
        return Status::unavailable("cannot move " + dir.string() + " aside: " + ec.message());
    fs::rename(staging, dir, ec);
    if (ec)
        return Status::unavailable("cannot move " + staging.string() +
                                   " into place: " + ec.message());
    fs::remove_all(old, ec);
    return Status::ok();
}

}  // namespace vq
