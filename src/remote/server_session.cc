#include "remote/server_session.h"

#include "auth/agent_tokens.h"
#include "control/wire.h"
#include <nlohmann/json.hpp>

#include "base/log.h"

namespace vq::remote {

namespace {
constexpr int64_t kRenewBeforeSeconds = 60;
}

ServerSession::ServerSession(SessionOptions options, std::unique_ptr<https::TlsClient> client)
    : options_(std::move(options)), client_(std::move(client)) {}

Result<std::unique_ptr<ServerSession>> ServerSession::create(SessionOptions options) {
    if (options.shared_secret.empty())
        return Status::invalidArgument(
            "the shared secret is required (--shared-secret or VAQUERO_SHARED_SECRET)");
    if (options.site_id.empty())
        return Status::invalidArgument("the site id is required (--site-id or VAQUERO_SITE_ID)");
    auto client = https::TlsClient::create(options.client);
    if (!client)
        return client.status();
    return std::unique_ptr<ServerSession>(
        new ServerSession(std::move(options), std::move(*client)));
}

Status ServerSession::login() {
    std::lock_guard lock(mu_);
    session_.clear();
    session_exp_ = 0;
    auth::AgentClaims claims{options_.site_id, options_.agent_id,
                             auth::nowSeconds() + auth::kLoginTtlSeconds};
    https::ClientRequest req;
    req.method = http::Method::post;
    req.target = std::string(control::wire::kLogin);
    req.body = nlohmann::json{{"token", auth::issueLoginToken(claims, options_.shared_secret)},
                              {"version", options_.version}}
                   .dump();
    req.timeout = std::chrono::seconds(10);
    auto resp = client_->send(req);
    if (!resp)
        return resp.status();
    // A server that cannot answer now (one that does not lead, without a leader) is away,
    // not a refusal.
    if (resp->status == 503)
        return Status::unavailable("login: the server cannot answer now: " +
                                   control::wire::errorMessage(resp->body));
    if (resp->status != 200) {
        return Status::permissionDenied("login refused by the server (" +
                                        std::to_string(resp->status) +
                                        "): " + control::wire::errorMessage(resp->body));
    }
    const auto j = nlohmann::json::parse(resp->body, nullptr, false);
    if (!j.is_object() || !j.contains("session") || !j["session"].is_string() ||
        !j.contains("exp") || !j["exp"].is_number_integer())
        return Status::unavailable("login: the server's answer has no session");
    session_ = j["session"].get<std::string>();
    session_exp_ = j["exp"].get<int64_t>();
    VQ_LOG_INFO("AGENT_SESSION site={} agent={} expires_in_s={}", options_.site_id,
                options_.agent_id, session_exp_ - auth::nowSeconds());
    return Status::ok();
}

Result<std::string> ServerSession::token() {
    {
        std::lock_guard lock(mu_);
        if (!session_.empty() && session_exp_ - auth::nowSeconds() > kRenewBeforeSeconds)
            return session_;
    }
    VQ_TRY(login());
    std::lock_guard lock(mu_);
    return session_;
}

Result<https::ClientResponse> ServerSession::send(https::ClientRequest request) {
    for (int attempt = 0; attempt < 2; ++attempt) {
        auto t = token();
        if (!t)
            return t.status();
        https::ClientRequest r = request;
        r.headers.emplace_back("Authorization", "Bearer " + *t);
        auto resp = client_->send(r);
        // A server restarted with another secret refuses the old session: log in again.
        if (resp && resp->status == 403 && attempt == 0 &&
            control::wire::errorMessage(resp->body).find("token refused") != std::string::npos) {
            std::lock_guard lock(mu_);
            session_.clear();
            continue;
        }
        return resp;
    }
    return Status::permissionDenied("the server refuses this agent's session");
}

}  // namespace vq::remote
