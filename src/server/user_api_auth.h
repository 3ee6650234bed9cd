#pragma once
// Who may use the User API (config `UserApi: {Token: "...", ReadWithoutToken: true}`).
// With a Token, every request needs `Authorization: Bearer <Token>`, except /live and
// /ready (probes), the dashboard's page and scripts (they hold no data and must load to ask
// for the token) and, when ReadWithoutToken is true, GET and HEAD requests. Without a Token
// everything is open, as in the original. The token is compared in constant time and never
// logged.

#include <optional>
#include <string>
#include <string_view>

#include "http/request.h"
#include "http/response.h"

namespace vq::server {

struct UserApiAuthConfig {
    std::string token;  // empty: no authentication
    bool read_without_token = false;
};

// Equal contents, in a time that depends only on the lengths.
bool constantTimeEquals(std::string_view a, std::string_view b);

class UserApiAuth {
public:
    explicit UserApiAuth(UserApiAuthConfig config) : config_(std::move(config)) {}

    bool enabled() const { return !config_.token.empty(); }
    // Nothing when the request may proceed; a 401 answer otherwise.
    std::optional<http::Response> check(const http::Request& req) const;

private:
    UserApiAuthConfig config_;
};

}  // namespace vq::server
