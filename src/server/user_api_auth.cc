#include "server/user_api_auth.h"

namespace vq::server {
namespace {

// Paths anyone may read: probes, and the dashboard's static files (not its data routes).
bool alwaysOpen(const http::Request& req) {
    if (req.path == "/live" || req.path == "/ready")
        return true;
    const bool read = req.method == http::Method::get || req.method == http::Method::head;
    if (!read || !req.path.starts_with("/ui/"))
        return false;
    return req.path != "/ui/events" && req.path != "/ui/hosts";
}

}  // namespace

bool constantTimeEquals(std::string_view a, std::string_view b) {
    if (a.size() != b.size())
        return false;
    unsigned char diff = 0;
    for (size_t i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

std::optional<http::Response> UserApiAuth::check(const http::Request& req) const {
    if (!enabled() || alwaysOpen(req))
        return std::nullopt;
    const bool read = req.method == http::Method::get || req.method == http::Method::head;
    if (read && config_.read_without_token)
        return std::nullopt;
    constexpr std::string_view kScheme = "Bearer ";
    std::string_view given = req.header("Authorization");
    if (given.size() > kScheme.size() && given.substr(0, kScheme.size()) == kScheme &&
        constantTimeEquals(given.substr(kScheme.size()), config_.token)) {
        return std::nullopt;
    }
    auto r = http::Response::error(401, given.empty() ? "no bearer token" : "wrong bearer token");
    r.header("WWW-Authenticate", "Bearer realm=\"vaquero\"");
    return r;
}

}  // namespace vq::server
