#include "server/follower_api.h"

#include <map>
#include <mutex>

#include "control/wire.h"
#include "https/tls_client.h"

#include "base/log.h"
#include "http/router.h"

namespace vq::server {
namespace {

namespace wire = control::wire;

// Agents retry a refused call after their own pause; a second is about one campaign poll
// of the default TTL away from a new leader.
constexpr const char* kRetryAfterSeconds = "1";

http::Response notNow(const std::string& why, const std::optional<Endpoint>& leader) {
    http::Response r = http::Response::json(
        503, wire::encodeError("this server does not lead: " + why + "; try again"));
    r.header("Retry-After", kRetryAfterSeconds);
    if (leader)
        r.header("X-Vaquero-Leader", toString(*leader));
    r.log_reason = why;
    return r;
}

std::optional<uint64_t> waitSeconds(const http::Request& req) {
    auto v = req.query.get("wait");
    if (!v || v->empty() || v->size() > 9)
        return std::nullopt;
    uint64_t n = 0;
    for (char c : *v) {
        if (c < '0' || c > '9')
            return std::nullopt;
        n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    return n;
}

}  // namespace

class FollowerApi::Forwarder {
public:
    explicit Forwarder(FollowerApiOptions options) : options_(std::move(options)) {}

    http::Response forward(const http::Request& req, const ForwardRule& rule) {
        https::ClientRequest out;
        out.method = req.method;
        out.target = req.target;
        out.body = req.body;
        if (auto auth = req.header("Authorization"); !auth.empty())
            out.headers.emplace_back("Authorization", std::string(auth));
        out.timeout = forwardTimeout(rule, waitSeconds(req), options_.watch_timeout);

        // A read whose leader is gone goes once more to whoever leads by then.
        const int attempts = rule.leader_only ? 1 : 2;
        std::optional<Endpoint> last_leader;
        std::string why;
        for (int attempt = 0; attempt < attempts; ++attempt) {
            auto value = options_.leader();
            if (!value)
                return notNow("etcd did not say who leads: " + value.message(), std::nullopt);
            ForwardTarget target = forwardTarget(*value, options_.self_id);
            if (!target.endpoint)
                return notNow(target.why_not, std::nullopt);
            last_leader = target.endpoint;
            auto client = clientFor(*target.endpoint);
            if (!client)
                return notNow(client.message(), last_leader);
            auto resp = (*client)->send(out);
            if (resp) {
                if (resp->status == 204)
                    return http::Response::text(204, "", "text/plain");
                http::Response r = http::Response::text(
                    resp->status, std::move(resp->body),
                    resp->status == 200 ? std::string(rule.content_type) : "application/json");
                if (resp->status != 200)
                    r.log_reason = "the leader answered " + std::to_string(resp->status);
                return r;
            }
            why = "the leader at " + toString(*target.endpoint) + " did not answer (" +
                  resp.message() + ")";
            VQ_LOG_WARN("FOLLOWER_FORWARD_FAILED path={} leader={} attempt={} reason=\"{}\"",
                        req.path, toString(*target.endpoint), attempt + 1, resp.message());
        }
        return notNow(why, last_leader);
    }

private:
    Result<std::shared_ptr<https::TlsClient>> clientFor(const Endpoint& leader) {
        const std::string key = toString(leader);
        std::lock_guard lock(mu_);
        if (auto it = clients_.find(key); it != clients_.end())
            return it->second;
        https::TlsClientOptions co;
        co.host = leader.addr;
        co.port = static_cast<uint16_t>(leader.port);
        co.trust = options_.leader_trust;
        co.connect_timeout = std::chrono::seconds(2);
        auto client = https::TlsClient::create(co);
        if (!client)
            return client.status();
        std::shared_ptr<https::TlsClient> shared(std::move(*client));
        clients_[key] = shared;
        return shared;
    }

    FollowerApiOptions options_;
    std::mutex mu_;
    // One client (and its kept-alive connections) per leader endpoint seen.
    std::map<std::string, std::shared_ptr<https::TlsClient>> clients_;
};

FollowerApi::~FollowerApi() {
    stop();
}

Result<std::unique_ptr<FollowerApi>> FollowerApi::create(FollowerApiOptions options) {
    auto tls = https::serverContext(options.certificate, options.private_key);
    if (!tls)
        return tls.status();
    // The trust is checked now too: a CA file that cannot be read fails the start.
    if (auto client = https::clientContext(options.leader_trust); !client)
        return client.status().prefixed("ServerClient (to reach the leader)");
    std::unique_ptr<FollowerApi> api(new FollowerApi());
    https::TlsServerOptions to;
    to.address = options.listen.addr;
    to.port = static_cast<uint16_t>(options.listen.port);
    // A call still waiting for a leader that went silent (paused, or its machine gone) must
    // not hold up this server's own take-over: it ends on its own, answering nobody.
    to.stop_wait = std::chrono::milliseconds(200);
    http::Router router;
    const bool reads_here = static_cast<bool>(options.read_routes);
    if (reads_here)
        options.read_routes(router);
    api->forwarder_ = std::make_shared<Forwarder>(std::move(options));
    for (std::string_view path :
         {wire::kLogin, wire::kWatch, wire::kBundle, wire::kManifest, wire::kEvents,
          wire::kCheckpoint, wire::kTasks, wire::kTaskResults}) {
        const ForwardRule rule = forwardRule(path);
        if (reads_here && rule.answered_here)
            continue;
        // The leader says which methods it takes.
        router.exact(
            std::string(path),
            [f = api->forwarder_, rule](const http::Request& req) { return f->forward(req, rule); },
            http::Methods{http::Method::get, http::Method::head, http::Method::post});
    }
    api->server_ = std::make_unique<https::TlsServer>(to, std::move(*tls), std::move(router));
    return api;
}

Status FollowerApi::start() {
    return server_->start();
}

void FollowerApi::stop() {
    if (server_)
        server_->stop();
}

uint16_t FollowerApi::port() const {
    return server_ ? server_->port() : 0;
}

}  // namespace vq::server
