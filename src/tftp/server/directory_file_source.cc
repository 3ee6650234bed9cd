#include "tftp/server/directory_file_source.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace vq::tftp {
namespace {

struct Fd {
    int fd = -1;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0)
            ::close(fd);
    }
};

// Opens `rel` beneath `dirfd`; sets errno like openat. EXDEV means "escapes the directory".
int openBeneath(int dirfd, const std::filesystem::path& dir, const std::string& rel) {
#ifdef SYS_openat2
    struct open_how how;
    std::memset(&how, 0, sizeof how);
    how.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    int fd = static_cast<int>(::syscall(SYS_openat2, dirfd, rel.c_str(), &how, sizeof how));
    if (fd >= 0 || errno != ENOSYS)
        return fd;
#endif
    // Kernels before 5.6: resolve, then check the result is still under the directory.
    char dir_real[PATH_MAX];
    char file_real[PATH_MAX];
    if (::realpath(dir.c_str(), dir_real) == nullptr)
        return -1;
    std::string full = std::string(dir_real) + "/" + rel;
    if (::realpath(full.c_str(), file_real) == nullptr)
        return -1;
    std::string prefix = std::string(dir_real) + "/";
    if (std::strncmp(file_real, prefix.c_str(), prefix.size()) != 0) {
        errno = EXDEV;
        return -1;
    }
    return ::open(file_real, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | O_NOFOLLOW);
}

}  // namespace

std::vector<FallbackDir> DirectoryConfig::debianIpxeFallbacks() {
    return {FallbackDir{"/usr/lib/ipxe", {}}, FallbackDir{"/boot", {"ipxe.efi", "ipxe.lkrn"}}};
}

bool normalizeTftpName(std::string_view name,
                       const std::string& root,
                       std::string& rel,
                       bool& absolute,
                       std::string& why) {
    std::string n(name);
    std::replace(n.begin(), n.end(), '\\', '/');  // some firmware sends DOS-style paths
    absolute = false;
    if (!n.empty() && n[0] == '/') {
        std::string prefix = root;
        while (!prefix.empty() && prefix.back() == '/')
            prefix.pop_back();
        prefix += '/';
        if (prefix.size() > 1 && n.compare(0, prefix.size(), prefix) == 0) {
            n.erase(0, prefix.size());
        } else {
            absolute = true;
        }
    }
    rel.clear();
    size_t pos = 0;
    while (pos <= n.size()) {
        size_t end = n.find('/', pos);
        if (end == std::string::npos)
            end = n.size();
        std::string_view part(n.data() + pos, end - pos);
        if (part == "..") {
            why = "path contains '..'";
            return false;
        }
        if (!part.empty() && part != ".") {
            if (!rel.empty())
                rel += '/';
            rel += part;
        }
        pos = end + 1;
    }
    if (rel.empty()) {
        why = "empty path";
        return false;
    }
    return true;
}

DirectoryFileSource::DirectoryFileSource(DirectoryConfig config) : config_(std::move(config)) {}

size_t DirectoryFileSource::cachedFiles() const {
    std::lock_guard lock(mu_);
    return static_cast<size_t>(std::count_if(
        cache_.begin(), cache_.end(), [](const CacheEntry& e) { return !e.weak.expired(); }));
}

FileLookup DirectoryFileSource::open(std::string_view name) {
    std::string rel;
    std::string why;
    bool absolute = false;
    if (!normalizeTftpName(name, config_.root.string(), rel, absolute, why)) {
        return FileLookup::failed(
            why == "empty path" ? ErrorCode::FileNotFound : ErrorCode::AccessViolation, why);
    }
    FileLookup r = openIn(config_.root, rel, true);
    if (r.ok() || r.error == ErrorCode::AccessViolation)
        return r;
    for (const auto& fb : config_.fallbacks) {
        if (!fb.names.empty() &&
            std::find(fb.names.begin(), fb.names.end(), rel) == fb.names.end()) {
            continue;
        }
        FileLookup f = openIn(fb.dir, rel, false);
        if (f.ok())
            return f;
    }
    if (absolute) {
        return FileLookup::failed(ErrorCode::AccessViolation, "absolute path outside the root");
    }
    return r;
}

FileLookup DirectoryFileSource::openIn(const std::filesystem::path& dir,
                                       const std::string& rel,
                                       bool is_root) {
    Fd dfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dfd.fd < 0)
        return FileLookup::failed(ErrorCode::FileNotFound, "no directory " + dir.string());
    Fd fd(openBeneath(dfd.fd, dir, rel));
    if (fd.fd < 0) {
        int e = errno;
        if (e == EXDEV || e == ELOOP) {
            // A fallback's own symlinks (Debian links /usr/lib/ipxe/ipxe.efi to /boot) are not
            // an attack; only escapes from the operator's root are.
            if (is_root)
                return FileLookup::failed(ErrorCode::AccessViolation, "escapes the root");
            return FileLookup::failed(ErrorCode::FileNotFound, "escapes " + dir.string());
        }
        if (e == EACCES || e == EPERM) {
            return FileLookup::failed(ErrorCode::AccessViolation, "permission denied");
        }
        return FileLookup::failed(ErrorCode::FileNotFound, "not found");
    }
    return load(fd.fd, rel);
}

FileLookup DirectoryFileSource::load(int fd, const std::string& rel) {
    struct stat st;
    if (::fstat(fd, &st) != 0)
        return FileLookup::failed(ErrorCode::FileNotFound, "stat failed");
    if (!S_ISREG(st.st_mode)) {
        return FileLookup::failed(ErrorCode::AccessViolation, "not a regular file: " + rel);
    }
    uint64_t size = static_cast<uint64_t>(st.st_size);
    if (size > config_.max_file_bytes) {
        return FileLookup::failed(ErrorCode::AccessViolation, "file too large: " + rel);
    }
    int64_t mtime = int64_t{st.st_mtim.tv_sec} * 1000000000 + st.st_mtim.tv_nsec;
    {
        std::lock_guard lock(mu_);
        for (auto it = cache_.begin(); it != cache_.end(); ++it) {
            if (it->dev != st.st_dev || it->ino != st.st_ino)
                continue;
            auto live = it->weak.lock();
            if (live && it->size == size && it->mtime_ns == mtime) {
                it->strong = live;
                cache_.splice(cache_.begin(), cache_, it);
                return FileLookup::found(std::move(live));
            }
            cache_.erase(it);  // changed on disk: read it again
            break;
        }
    }
    std::vector<uint8_t> buf(size);
    uint64_t done = 0;
    while (done < size) {
        ssize_t n = ::pread(fd, buf.data() + done, size - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += static_cast<uint64_t>(n);
    }
    buf.resize(done);  // a file that shrank while being read is served as read
    auto data = std::make_shared<const BufferFileData>(std::move(buf));
    std::lock_guard lock(mu_);
    cache_.push_front(CacheEntry{static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                                 size, mtime, data, data});
    // Drop strong references beyond the budget, oldest first; transfers keep their own.
    uint64_t total = 0;
    for (auto it = cache_.begin(); it != cache_.end();) {
        if (it->strong) {
            total += it->size;
            if (total > config_.cache_bytes && it != cache_.begin())
                it->strong.reset();
        }
        if (!it->strong && it->weak.expired()) {
            it = cache_.erase(it);
        } else {
            ++it;
        }
    }
    return FileLookup::found(std::move(data));
}

}  // namespace vq::tftp
