#include "http/static_files.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <utility>

#include <fcntl.h>
#include <fmt/format.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "http/mime.h"
#include "http/range.h"

namespace vq::http {
namespace {

bool containsEncodedSeparator(std::string_view raw) {
    for (size_t i = 0; i + 2 < raw.size(); ++i) {
        if (raw[i] != '%')
            continue;
        const char a = raw[i + 1];
        const char b = static_cast<char>(raw[i + 2] | 0x20);
        if ((a == '2' && b == 'f') || (a == '5' && b == 'c'))
            return true;
    }
    return false;
}

std::optional<std::string> realPath(const std::string& path) {
    char buf[PATH_MAX];
    if (::realpath(path.c_str(), buf) == nullptr)
        return std::nullopt;
    return std::string(buf);
}

// Closes the descriptor unless ownership moves to a FileRange.
class FdGuard {
public:
    explicit FdGuard(int fd) : fd_(fd) {}
    ~FdGuard() {
        if (fd_ >= 0)
            ::close(fd_);
    }
    FdGuard(const FdGuard&) = delete;
    FdGuard& operator=(const FdGuard&) = delete;
    int release() { return std::exchange(fd_, -1); }

private:
    int fd_;
};

enum class OpenError { kNone, kMissing, kEscape, kUnsupported };

// Opens rel beneath base in one kernel walk (openat2 RESOLVE_BENEATH): no window between a
// check and the open for a symlink swap to exploit. kUnsupported on kernels before 5.6.
int openBeneath(const std::string& base, const std::string& rel, OpenError& err) {
    err = OpenError::kNone;
    const int dir = ::open(base.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        err = OpenError::kMissing;
        return -1;
    }
    struct open_how how {};
    how.flags = O_RDONLY | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    const long fd = ::syscall(SYS_openat2, dir, rel.c_str(), &how, sizeof how);
    const int saved = errno;
    ::close(dir);
    if (fd >= 0)
        return static_cast<int>(fd);
    if (saved == ENOSYS || saved == EPERM) {  // EPERM: seccomp filters that predate openat2
        err = OpenError::kUnsupported;
    } else if (saved == EXDEV || saved == ELOOP) {
        err = OpenError::kEscape;
    } else {
        err = OpenError::kMissing;
    }
    return -1;
}

std::string httpDate(time_t t) {
    struct tm tm {};
    gmtime_r(&t, &tm);
    char buf[64];
    const size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    return std::string(buf, n);
}

}  // namespace

std::optional<std::string> sanitizeRelativePath(std::string_view raw) {
    if (raw.empty() || containsEncodedSeparator(raw))
        return std::nullopt;
    auto decoded = percentDecode(raw, false);
    if (!decoded || decoded->empty() || decoded->front() == '/')
        return std::nullopt;
    if (decoded->find('\\') != std::string::npos)
        return std::nullopt;
    std::string_view rest = *decoded;
    while (true) {
        const size_t slash = rest.find('/');
        const std::string_view seg = rest.substr(0, slash);
        if (seg.empty() || seg == "." || seg == "..")
            return std::nullopt;
        if (slash == std::string_view::npos)
            break;
        rest = rest.substr(slash + 1);
    }
    return decoded;
}

StaticFiles::StaticFiles(std::string base_dir) : base_dir_(std::move(base_dir)) {}

Response StaticFiles::serve(const Request& req) const {
    auto rel = sanitizeRelativePath(req.rest);
    if (!rel)
        return Response::error(403, "path refused: " + req.rest);
    OpenError err = OpenError::kNone;
    int fd = openBeneath(base_dir_, *rel, err);
    if (err == OpenError::kEscape)
        return Response::error(403, "path escapes base_dir: " + *rel);
    if (err == OpenError::kMissing)
        return Response::error(404, "no such file: " + *rel);
    if (err == OpenError::kUnsupported) {
        // Older kernels: resolve, check containment, then open the resolved path.
        auto base = realPath(base_dir_);
        if (!base)
            return Response::error(404, "files base_dir " + base_dir_ + " does not exist");
        auto real = realPath(*base + "/" + *rel);
        if (!real)
            return Response::error(404, "no such file: " + *rel);
        if (real->compare(0, base->size(), *base) != 0 ||
            (real->size() > base->size() && (*real)[base->size()] != '/' && *base != "/")) {
            return Response::error(403, "path escapes base_dir: " + *rel);
        }
        fd = ::open(real->c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return Response::error(404, "cannot open " + *rel);
    }
    FdGuard guard(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        return Response::error(404, "not a regular file: " + *rel);
    }
    const uint64_t size = static_cast<uint64_t>(st.st_size);
    const std::string etag = fmt::format("\"{:x}-{:x}\"", size,
                                         static_cast<uint64_t>(st.st_mtim.tv_sec) * 1000000000ull +
                                             static_cast<uint64_t>(st.st_mtim.tv_nsec));
    Response resp;
    resp.content_type = std::string(contentTypeFor(*rel));
    resp.header("ETag", etag);
    resp.header("Last-Modified", httpDate(st.st_mtim.tv_sec));
    resp.header("Accept-Ranges", "bytes");
    const auto inm = req.header("If-None-Match");
    if (!inm.empty() && (inm == etag || inm == "*")) {
        resp.status = 304;
        resp.content_type.clear();
        return resp;
    }
    auto range = parseRange(req.header("Range"), size);
    const auto if_range = req.header("If-Range");
    if (!if_range.empty() && if_range != etag)
        range = {};  // changed since: send it all
    switch (range.kind) {
        case RangeKind::kUnsatisfiable:
            resp.status = 416;
            resp.header("Content-Range", fmt::format("bytes */{}", size));
            resp.body.clear();
            return resp;
        case RangeKind::kSatisfiable:
            resp.status = 206;
            resp.header("Content-Range",
                        fmt::format("bytes {}-{}/{}", range.range.first,
                                    range.range.first + range.range.length - 1, size));
            resp.file =
                std::make_shared<FileRange>(guard.release(), range.range.first, range.range.length);
            return resp;
        case RangeKind::kNone:
            break;
    }
    resp.file = std::make_shared<FileRange>(guard.release(), 0, size);
    return resp;
}

Response CdnProxy::serve(const Request& req) const {
    if (!sanitizeRelativePath(req.rest))
        return Response::error(403, "path refused: " + req.rest);
    Response resp;
    auto target = std::make_shared<ProxyTarget>();
    target->host = host_;
    target->port = port_;
    const size_t q = req.target.find('?');
    target->target = "/" + req.rest + (q == std::string::npos ? "" : req.target.substr(q));
    resp.proxy = std::move(target);
    return resp;
}

void addFileRoutes(Router& router, const FilesConfig& config) {
    if (!config.cdn_addr.empty() && config.cdn_port != 0) {
        auto proxy = std::make_shared<CdnProxy>(config.cdn_addr, config.cdn_port);
        router.prefix("/files/", [proxy](const Request& r) { return proxy->serve(r); });
        return;
    }
    auto files = std::make_shared<StaticFiles>(config.base_dir);
    router.prefix("/files/", [files](const Request& r) { return files->serve(r); });
}

}  // namespace vq::http
