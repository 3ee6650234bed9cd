#include "server/server_api.h"

#include "auth/agent_tokens.h"
#include "control/wire.h"
#include <nlohmann/json.hpp>

#include "base/log.h"
#include "server/manifest_cache.h"

namespace vq::server {
namespace {

namespace wire = control::wire;
using http::Request;
using http::Response;

Response refuse(unsigned status, const std::string& why) {
    Response r = Response::json(status, wire::encodeError(why));
    r.log_reason = why;
    return r;
}

Response refuse(const Status& st) {
    return refuse(http::httpStatusFor(st.code()), st.message());
}

// Numbers in the query: absent is 0, garbage is an error.
std::optional<uint64_t> queryNumber(const Request& req, std::string_view key) {
    auto v = req.query.get(key);
    if (!v || v->empty())
        return uint64_t{0};
    uint64_t n = 0;
    for (char c : *v) {
        if (c < '0' || c > '9' || n > UINT64_MAX / 10 - 10)
            return std::nullopt;
        n = n * 10 + static_cast<uint64_t>(c - '0');
    }
    return n;
}

// The claims of the request's session token, checked (not yet against the request).
Result<auth::AgentClaims> verifySession(const Request& req,
                                        std::string_view server_secret,
                                        int64_t now) {
    const auto token = auth::bearerToken(req.header("Authorization"));
    if (token.empty())
        return Status::permissionDenied("no session token (Authorization: Bearer)");
    return auth::verifySessionToken(token, server_secret, now);
}

// A login's body and its token's claims, read once.
struct Login {
    nlohmann::json body;
    Result<auth::AgentClaims> claims;
};

// Each handler of a session call takes the session's verified claims: the token is checked
// once, by Apis, which chooses the SoT from them.
class Api {
public:
    explicit Api(ServerApiContext ctx) : ctx_(std::move(ctx)) {
        if (ctx_.server != nullptr) {
            Server* server = ctx_.server;
            manifests_ = std::make_unique<ManifestCache>(
                [server](const model::Site& site, const model::Host& host,
                         const model::Model& model) { return server->served(site, host, model); },
                [server] { return server->stateEngine().revision(); });
        }
    }

    int64_t now() const { return ctx_.now ? ctx_.now() : auth::nowSeconds(); }

    // The revisions of the SoT this answers for.
    control::RevisionFeed& feed() const {
        return ctx_.revisions != nullptr ? *ctx_.revisions : ctx_.server->revisions();
    }
    const ServerApiContext& context() const { return ctx_; }

    // The session's claims, or the refusal to answer.
    Result<auth::AgentClaims> authorize(const Request& req,
                                        Result<auth::AgentClaims> claims) const {
        if (!claims)
            return claims.status();
        // A site named in the request must be the session's own.
        if (auto site = req.query.get("site"); site && *site != claims->site_id) {
            return Status::permissionDenied("a session of site " + claims->site_id +
                                            " may not read site " + std::string(*site));
        }
        ctx_.agents->touch(claims->site_id, claims->agent_id, req.remote.address);
        return claims;
    }

    Response login(const Request& req, const Login& login) const {
        const auto& body = login.body;
        const auto& claims = login.claims;
        if (!claims)
            return refuse(claims.status());
        auto rev = feed().latest();
        // A follower that has read no revision yet cannot tell: not a refusal.
        if (!rev || !rev->model)
            return refuse(503, "no revision to check the site against yet");
        if (rev->model->site(claims->site_id) == nullptr)
            return refuse(403, "site " + claims->site_id + " is not served by this server");
        auth::AgentClaims session = *claims;
        session.exp = now() + auth::kSessionTtlSeconds;
        std::string version;
        if (auto v = body.find("version"); v != body.end() && v->is_string())
            version = v->get<std::string>();
        ctx_.agents->touch(session.site_id, session.agent_id, req.remote.address, version);
        VQ_LOG_INFO("AGENT_LOGIN site={} agent={} remote={} version={}", session.site_id,
                    session.agent_id, req.remote.address, version);
        // expires_in: the agent times its renewal from it on its monotonic clock, so neither
        // a skew between the two clocks nor a jump of the agent's changes when it renews.
        const nlohmann::json answer = {
            {"session", auth::issueSessionToken(session, ctx_.server_secret)},
            {"exp", session.exp},
            {"expires_in", auth::kSessionTtlSeconds}};
        return Response::json(200, answer.dump());
    }

    Response watch(const Request& req, Result<auth::AgentClaims> verified) const {
        auto claims = authorize(req, std::move(verified));
        if (!claims)
            return refuse(claims.status());
        auto known = queryNumber(req, "revision");
        if (!known)
            return refuse(400, "revision must be a number");
        auto wait_s = queryNumber(req, "wait");
        if (!wait_s)
            return refuse(400, "wait must be a number of seconds");
        // The agent may ask for a shorter poll (so that it can stop quickly), never longer.
        auto wait = ctx_.watch_timeout;
        if (*wait_s > 0)
            wait = std::min<std::chrono::milliseconds>(wait, std::chrono::seconds(*wait_s));
        ctx_.agents->touch(claims->site_id, claims->agent_id, req.remote.address, std::nullopt,
                           *known);
        return Response::json(200, wire::encodeRevision(ctx_.bundles->waitNewer(*known, wait)));
    }

    Response bundle(const Request& req, Result<auth::AgentClaims> verified) const {
        auto claims = authorize(req, std::move(verified));
        if (!claims)
            return refuse(claims.status());
        auto number = queryNumber(req, "revision");
        if (!number)
            return refuse(400, "revision must be a number");
        auto have = queryNumber(req, "have");  // the revision the agent holds: a delta
        if (!have)
            return refuse(400, "have must be a number");
        auto blob = ctx_.bundles->blob(*number, claims->site_id, *have);
        if (!blob)
            return refuse(blob.status());
        return Response::text(200, **blob, "application/zstd");
    }

    Response manifest(const Request& req, Result<auth::AgentClaims> verified) const {
        auto claims = authorize(req, std::move(verified));
        if (!claims)
            return refuse(claims.status());
        auto seen = queryNumber(req, "changes");
        if (!seen)
            return refuse(400, "changes must be a number");
        auto wait_s = queryNumber(req, "wait");
        if (!wait_s)
            return refuse(400, "wait must be a number of seconds");
        // Read before the manifest is made: a change meanwhile ends the next poll at once.
        uint64_t changes = ctx_.server->manifestChanges().now();
        if (*seen != 0) {
            auto wait = ctx_.watch_timeout;
            if (*wait_s > 0)
                wait = std::min<std::chrono::milliseconds>(wait, std::chrono::seconds(*wait_s));
            changes = ctx_.server->manifestChanges().waitPast(*seen, wait);
            if (changes == *seen)
                return Response::text(204, "", "text/plain");  // nothing changed: nothing sent
        }
        auto rev = ctx_.bundles->latestRevision();
        if (!rev)
            return refuse(503, "no revision yet");
        const model::Site* site = rev->model->site(claims->site_id);
        if (site == nullptr)
            return refuse(404, "site " + claims->site_id + " is not in the newest revision");
        // Whole, or the hosts that moved since the change count the agent has.
        auto answer = manifests_->answer(*rev->model, *site, rev->number, changes, *seen);
        return Response::json(200, *answer);
    }

    Response events(const Request& req, Result<auth::AgentClaims> verified) const {
        auto claims = authorize(req, std::move(verified));
        if (!claims)
            return refuse(claims.status());
        auto events = wire::decodeEvents(req.body);
        if (!events)
            return refuse(events.status());
        for (const auto& e : *events)
            ctx_.server->report(claims->site_id, e);
        return Response::json(200, nlohmann::json{{"accepted", events->size()}}.dump());
    }

    // Answers once the server stored the transition.
    Response checkpoint(const Request& req, Result<auth::AgentClaims> verified) const {
        auto claims = authorize(req, std::move(verified));
        if (!claims)
            return refuse(claims.status());
        auto c = wire::decodeCheckpoint(req.body);
        if (!c)
            return refuse(c.status());
        auto summary = ctx_.server->checkpoint(claims->site_id, c->host, c->boot);
        if (!summary)
            return refuse(summary.status());
        wire::CheckpointAnswer answer;
        answer.summary = *summary;
        if (auto rev = ctx_.server->revisions().latest(); rev && rev->model) {
            if (const model::Site* site = rev->model->site(claims->site_id)) {
                for (const auto& host : site->hosts) {
                    if (host.name == c->host)
                        answer.served = ctx_.server->served(*site, host, *rev->model);
                }
            }
        }
        VQ_LOG_INFO("AGENT_CHECKPOINT site={} agent={} host={} boot={} -> {}", claims->site_id,
                    claims->agent_id, c->host, c->boot, *summary);
        return Response::json(200, wire::encodeCheckpointAnswer(answer));
    }

    // A long poll: answers at once with the site's waiting tasks (now leased to this
    // agent), else when one is issued or after `wait` seconds (at most the watch timeout).
    // Nothing of a task is logged here: its args hold BMC credentials.
    Response tasks(const Request& req, Result<auth::AgentClaims> verified) const {
        auto claims = authorize(req, std::move(verified));
        if (!claims)
            return refuse(claims.status());
        auto wait_s = queryNumber(req, "wait");
        auto max = queryNumber(req, "max");
        if (!wait_s || !max)
            return refuse(400, "wait and max must be numbers");
        auto wait =
            std::min<std::chrono::milliseconds>(ctx_.watch_timeout, std::chrono::seconds(*wait_s));
        const size_t n = *max == 0 ? 1 : std::min<uint64_t>(*max, wire::kMaxTasksPerCall);
        auto leased = ctx_.server->tasks().lease(claims->site_id, claims->agent_id, n, wait);
        if (!leased)
            return refuse(leased.status());
        return Response::json(200, wire::encodeTasks(*leased));
    }

    Response taskResults(const Request& req, Result<auth::AgentClaims> verified) const {
        auto claims = authorize(req, std::move(verified));
        if (!claims)
            return refuse(claims.status());
        auto results = wire::decodeTaskResults(req.body);
        if (!results)
            return refuse(results.status());
        Status st = ctx_.server->tasks().complete(claims->site_id, claims->agent_id, *results);
        if (!st)
            return refuse(st);
        return Response::json(200, nlohmann::json{{"accepted", results->size()}}.dump());
    }

private:
    ServerApiContext ctx_;
    std::unique_ptr<ManifestCache> manifests_;  // with a Server: the manifests agents poll
};

// The SoTs a server serves, one Api each: a call goes to the SoT whose newest revision has
// the site its token names (checked here only to choose; the Api checks it again to answer).
class Apis {
public:
    using Handler = Response (Api::*)(const Request&, Result<auth::AgentClaims>) const;

    explicit Apis(const std::vector<ServerApiContext>& sots) {
        for (const auto& ctx : sots)
            apis_.push_back(std::make_unique<Api>(ctx));
    }

    Response login(const Request& req) const {
        Login login{nlohmann::json::parse(req.body, nullptr, false),
                    Status::permissionDenied("no login token")};
        if (!login.body.is_object() || !login.body.contains("token") ||
            !login.body["token"].is_string())
            return refuse(400, "login: body must be {\"token\": <login JWT>}");
        const Api& any = *apis_.front();
        login.claims = auth::verifyLoginToken(login.body["token"].get<std::string>(),
                                              any.context().shared_secret, any.now());
        return ofSite(login.claims).login(req, login);
    }

    Response session(const Request& req, Handler handler) const {
        const Api& any = *apis_.front();
        auto claims = verifySession(req, any.context().server_secret, any.now());
        return (ofSite(claims).*handler)(req, std::move(claims));
    }

private:
    // The SoT whose newest revision has the claims' site; the first when there is one SoT,
    // none has it, or the claims are refused (its answer then says why).
    const Api& ofSite(const Result<auth::AgentClaims>& claims) const {
        if (apis_.size() > 1 && claims) {
            for (const auto& api : apis_) {
                auto rev = api->feed().latest();
                if (rev && rev->model && rev->model->site(claims->site_id) != nullptr)
                    return *api;
            }
        }
        return *apis_.front();
    }

    std::vector<std::unique_ptr<Api>> apis_;
};

void addReadRoutes(http::Router& router, const std::shared_ptr<Apis>& apis) {
    router.exact(
        std::string(wire::kLogin), [apis](const Request& r) { return apis->login(r); },
        http::Methods{http::Method::post});
    router.exact(std::string(wire::kWatch),
                 [apis](const Request& r) { return apis->session(r, &Api::watch); });
    router.exact(std::string(wire::kBundle),
                 [apis](const Request& r) { return apis->session(r, &Api::bundle); });
}

}  // namespace

void addServerApiReadRoutes(http::Router& router, const std::vector<ServerApiContext>& sots) {
    addReadRoutes(router, std::make_shared<Apis>(sots));
}

void addServerApiRoutes(http::Router& router, const std::vector<ServerApiContext>& sots) {
    auto apis = std::make_shared<Apis>(sots);
    const http::Methods post{http::Method::post};
    addReadRoutes(router, apis);
    router.exact(std::string(wire::kManifest),
                 [apis](const Request& r) { return apis->session(r, &Api::manifest); });
    router.exact(
        std::string(wire::kEvents),
        [apis](const Request& r) { return apis->session(r, &Api::events); }, post);
    router.exact(
        std::string(wire::kCheckpoint),
        [apis](const Request& r) { return apis->session(r, &Api::checkpoint); }, post);
    router.exact(std::string(wire::kTasks),
                 [apis](const Request& r) { return apis->session(r, &Api::tasks); });
    router.exact(
        std::string(wire::kTaskResults),
        [apis](const Request& r) { return apis->session(r, &Api::taskResults); }, post);
}

void addServerApiReadRoutes(http::Router& router, const ServerApiContext& ctx) {
    addServerApiReadRoutes(router, std::vector<ServerApiContext>{ctx});
}

void addServerApiRoutes(http::Router& router, const ServerApiContext& ctx) {
    addServerApiRoutes(router, std::vector<ServerApiContext>{ctx});
}

}  // namespace vq::server
