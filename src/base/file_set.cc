#include "base/file_set.h"

#include <fstream>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

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

Status replaceFile(const fs::path& file, std::string_view data, bool sync) {
    std::error_code ec;
    if (file.has_parent_path())
        fs::create_directories(file.parent_path(), ec);
    const fs::path tmp = file.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return Status::unavailable("cannot write " + tmp.string());
    bool ok = true;
    for (size_t done = 0; ok && done < data.size();) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        ok = n > 0;
        done += ok ? static_cast<size_t>(n) : 0;
    }
    ok = ok && (!sync || ::fdatasync(fd) == 0);
    ok = ::close(fd) == 0 && ok;
    if (!ok)
        return Status::unavailable("cannot write " + tmp.string());
    fs::rename(tmp, file, ec);
    if (ec)
        return Status::unavailable("cannot replace " + file.string() + ": " + ec.message());
    return Status::ok();
}

}  // namespace vq
