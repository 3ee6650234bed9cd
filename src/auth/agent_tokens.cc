#include "auth/agent_tokens.h"

#include <chrono>

#include "auth/jwt.h"
#include <nlohmann/json.hpp>

namespace vq::auth {
namespace {

std::string issue(const AgentClaims& c, std::string_view use, std::string_view secret) {
    nlohmann::json j = {
        {"site_id", c.site_id}, {"agent_id", c.agent_id}, {"exp", c.exp}, {"use", use}};
    return signHs256(j.dump(), secret);
}

Result<AgentClaims> verify(std::string_view token,
                           std::string_view use,
                           std::string_view secret,
                           int64_t now) {
    auto payload = verifyHs256(token, secret, now);
    if (!payload)
        return payload.status();
    const auto j = nlohmann::json::parse(*payload, nullptr, false);
    auto str = [&j](const char* key) -> const nlohmann::json* {
        auto it = j.find(key);
        return it != j.end() && it->is_string() ? &*it : nullptr;
    };
    const auto* u = str("use");
    if (u == nullptr || u->get<std::string>() != use)
        return Status::permissionDenied("token refused: not a " + std::string(use) + " token");
    const auto* site = str("site_id");
    const auto* agent = str("agent_id");
    if (site == nullptr || agent == nullptr || site->get<std::string>().empty())
        return Status::permissionDenied("token refused: no site_id or agent_id");
    AgentClaims c;
    c.site_id = site->get<std::string>();
    c.agent_id = agent->get<std::string>();
    c.exp = j["exp"].get<int64_t>();
    return c;
}

}  // namespace

std::string issueLoginToken(const AgentClaims& claims, std::string_view shared_secret) {
    return issue(claims, "login", shared_secret);
}

std::string issueSessionToken(const AgentClaims& claims, std::string_view server_secret) {
    return issue(claims, "session", server_secret);
}

Result<AgentClaims> verifyLoginToken(std::string_view token,
                                     std::string_view shared_secret,
                                     int64_t now) {
    return verify(token, "login", shared_secret, now);
}

Result<AgentClaims> verifySessionToken(std::string_view token,
                                       std::string_view server_secret,
                                       int64_t now) {
    return verify(token, "session", server_secret, now);
}

std::string_view bearerToken(std::string_view authorization) {
    constexpr std::string_view kPrefix = "Bearer ";
    if (authorization.size() <= kPrefix.size() ||
        authorization.substr(0, kPrefix.size()) != kPrefix)
        return {};
    return authorization.substr(kPrefix.size());
}

int64_t nowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace vq::auth
