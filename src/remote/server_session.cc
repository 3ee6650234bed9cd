#include "remote/server_session.h"

#include <algorithm>

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
    renew_at_ = {};
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
        std::string why = control::wire::errorMessage(resp->body);
        // The login token lives a minute from this machine's clock; the server's decides.
        if (why.find("expired") != std::string::npos)
            why += " (this machine's clock is behind the server's by more than a minute?)";
        return Status::permissionDenied("login refused by the server (" +
                                        std::to_string(resp->status) + "): " + why);
    }
    const auto j = nlohmann::json::parse(resp->body, nullptr, false);
    if (!j.is_object() || !j.contains("session") || !j["session"].is_string() ||
        !j.contains("exp") || !j["exp"].is_number_integer())
        return Status::unavailable("login: the server's answer has no session");
    // A server that does not say expires_in: the lifetime by this machine's clock, once.
    int64_t lifetime = j["exp"].get<int64_t>() - auth::nowSeconds();
    if (auto in = j.find("expires_in"); in != j.end() && in->is_number_integer())
        lifetime = in->get<int64_t>();
    session_ = j["session"].get<std::string>();
    renew_at_ = std::chrono::steady_clock::now() +
                std::chrono::seconds(std::max<int64_t>(0, lifetime - kRenewBeforeSeconds));
    VQ_LOG_INFO("AGENT_SESSION site={} agent={} expires_in_s={}", options_.site_id,
                options_.agent_id, lifetime);
    return Status::ok();
}

Result<std::string> ServerSession::token() {
    {
        std::lock_guard lock(mu_);
        if (!session_.empty() && std::chrono::steady_clock::now() < renew_at_)
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
