#pragma once
// /files/<path>: static files confined to a base directory, or a streaming reverse proxy to
// a CDN. Paths are refused before any file system access when they contain "..", ".",
// empty segments, backslashes, NULs or encoded separators; then the file is opened with
// openat2(RESOLVE_BENEATH), so no symlink leads out of the base directory, race-free
// (kernels without openat2: realpath containment check, then open).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/router.h"

namespace vq::http {

// The decoded relative path, or nullopt when the raw (still encoded) path is not acceptable.
std::optional<std::string> sanitizeRelativePath(std::string_view raw);

class StaticFiles {
public:
    // base_dir need not exist yet; requests get 404 until it does.
    explicit StaticFiles(std::string base_dir);
    // Serves req.rest; GET and HEAD, single Range, ETag/Last-Modified, If-None-Match.
    Response serve(const Request& req) const;

private:
    std::string base_dir_;
};

class CdnProxy {
public:
    CdnProxy(std::string host, uint16_t port) : host_(std::move(host)), port_(port) {}
    // Answers with a ProxyTarget for "/<rest>?<query>" that the server streams from.
    Response serve(const Request& req) const;

private:
    std::string host_;
    uint16_t port_;
};

struct FilesConfig {
    std::string base_dir = "/var/vaquero/files";
    std::string cdn_addr;  // both set: proxy instead of local files
    uint16_t cdn_port = 0;
};

// Registers the "/files/" prefix route.
void addFileRoutes(Router& router, const FilesConfig& config);

}  // namespace vq::http
