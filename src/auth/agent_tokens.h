#pragma once
// The two tokens between an agent and its server. To log in, the agent signs
// {site_id, agent_id, exp, use:"login"} with the shared secret; the server checks it and
// answers a session token {site_id, agent_id, exp, use:"session"} signed with its own server
// secret, which the agent sends with every request and renews before it expires. The `use`
// claim keeps one kind from standing in for the other even if an operator sets both secrets
// alike. A session's scope is its site: the server answers it nothing of another site.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace vq::auth {

struct AgentClaims {
    std::string site_id;
    std::string agent_id;
    int64_t exp = 0;  // seconds since the epoch
};

inline constexpr int64_t kLoginTtlSeconds = 60;
inline constexpr int64_t kSessionTtlSeconds = 15 * 60;

std::string issueLoginToken(const AgentClaims& claims, std::string_view shared_secret);
std::string issueSessionToken(const AgentClaims& claims, std::string_view server_secret);

// The claims of a valid token of that use; permission_denied otherwise (with the reason).
Result<AgentClaims> verifyLoginToken(std::string_view token,
                                     std::string_view shared_secret,
                                     int64_t now);
Result<AgentClaims> verifySessionToken(std::string_view token,
                                       std::string_view server_secret,
                                       int64_t now);

// The token of an "Authorization: Bearer <token>" header value; empty when it is not one.
std::string_view bearerToken(std::string_view authorization);

int64_t nowSeconds();

}  // namespace vq::auth
