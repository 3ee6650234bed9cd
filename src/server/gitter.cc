#include "server/gitter.h"

#include "git/hub_signature.h"
#include "git/push_event.h"
#include <nlohmann/json.hpp>

#include "base/log.h"
#include "http/server.h"

namespace vq::server {
namespace {

http::Response jsonAnswer(unsigned status, const nlohmann::json& body, std::string reason = {}) {
    auto r = http::Response::json(status, body.dump(2) + "\n");
    r.log_reason = std::move(reason);
    return r;
}

nlohmann::json describe(const PushTarget& source, const GitSotAttempt& a) {
    nlohmann::json j{{"sot", source.sot().id},
                     {"outcome", std::string(toString(a.outcome))},
                     {"commit", a.commit}};
    if (!a.reason.empty())
        j["reason"] = a.reason;
    if (!a.errors.empty())
        j["errors"] = a.errors;
    if (!a.release_tags.empty())
        j["release_tags"] = a.release_tags;
    if (!a.config.empty())
        j["config"] = a.config;
    return j;
}

// The worst outcome decides the delivery's status: the hosting shows it to whoever pushed.
unsigned statusFor(GitSotAttempt::Outcome o) {
    switch (o) {
        case GitSotAttempt::Outcome::accepted:
        case GitSotAttempt::Outcome::unchanged:
            return 200;
        case GitSotAttempt::Outcome::refused:
            return 422;
        case GitSotAttempt::Outcome::fetch_failed:
            return 502;
    }
    return 500;
}

}  // namespace

Gitter::Gitter(GitterConfig config,
               std::vector<GitHookConfig> hooks,
               std::vector<PushTarget*> sources)
    : config_(std::move(config)), hooks_(std::move(hooks)), sources_(std::move(sources)) {
    if (config_.endpoint.empty() || config_.endpoint.front() != '/')
        config_.endpoint.insert(config_.endpoint.begin(), '/');
    while (config_.endpoint.size() > 1 && config_.endpoint.back() == '/')
        config_.endpoint.pop_back();
}

Gitter::~Gitter() {
    stop();
}

std::string Gitter::routePrefix() const {
    return config_.endpoint == "/" ? "/" : config_.endpoint + "/";
}

http::Response Gitter::handle(const http::Request& req) const {
    const std::string& id = req.rest;
    const GitHookConfig* hook = nullptr;
    for (const auto& h : hooks_) {
        if (h.id == id)
            hook = &h;
    }
    if (hook == nullptr) {
        VQ_LOG_WARN("WEBHOOK_UNKNOWN hook={} from={}", id, req.remote.address);
        return http::Response::error(404, "no GitHook with ID '" + id + "'");
    }
    if (!hook->secret.empty()) {
        const auto check =
            git::checkHubSignature(req.body, hook->secret, req.header("X-Hub-Signature-256"),
                                   req.header("X-Hub-Signature"));
        if (check != git::SignatureCheck::valid) {
            VQ_LOG_WARN("WEBHOOK_REFUSED hook={} from={} reason=\"{}\"", id, req.remote.address,
                        git::toString(check));
            auto r = http::Response::text(401, std::string(git::toString(check)) + "\n");
            r.log_reason = "webhook signature: " + std::string(git::toString(check));
            return r;
        }
    }
    const std::string event(req.header("X-GitHub-Event"));
    if (event == "ping")
        return http::Response::text(200, "pong\n");
    if (!event.empty() && event != "push") {
        return http::Response::text(202, "ignored: a '" + event + "' event is not a push\n");
    }
    auto push = git::parsePushEvent(req.body, req.header("Content-Type"));
    if (!push)
        return http::Response::error(400, "not a push event: " + push.message());

    const std::string branch = push->branch();
    const bool tag = push->ref.rfind("refs/tags/", 0) == 0;
    nlohmann::json results = nlohmann::json::array();
    unsigned status = 0;
    std::vector<std::string> followed;
    for (PushTarget* source : sources_) {
        if (!source->follows(hook->id))
            continue;
        // A push to the SoT's configuration repository: its ref is the sites' to name, and
        // a load that takes nothing new from it is "unchanged".
        const bool own = source->ownHook(hook->id);
        followed.push_back(own ? source->sot().branch : "its configuration repository");
        if (own && !tag && source->sot().branch != branch)
            continue;
        VQ_LOG_INFO("WEBHOOK_PUSH hook={} sot={} ref={} after={}", id, source->sot().id, push->ref,
                    push->after);
        const auto attempt = source->refresh("webhook " + push->ref);
        results.push_back(describe(*source, attempt));
        status = std::max(status, statusFor(attempt.outcome));
    }
    if (results.empty()) {
        std::string message = "ignored: " + push->ref + " is not a branch any SoT follows (";
        for (size_t i = 0; i < followed.size(); ++i)
            message += (i ? ", " : "") + followed[i];
        return http::Response::text(202, message + ")\n");
    }
    return jsonAnswer(status, nlohmann::json{{"ref", push->ref}, {"results", results}},
                      status == 200 ? std::string() : "SoT not loaded");
}

Status Gitter::start() {
    http::Router router;
    router.prefix(routePrefix(), [this](const http::Request& req) { return handle(req); },
                  {http::Method::post});
    http::ServerOptions opts;
    opts.address = config_.listen.addr;
    opts.port = static_cast<uint16_t>(config_.listen.port);
    opts.threads = 1;  // deliveries are handled one after another anyway
    opts.body_limit = kWebhookBodyLimit;
    opts.read_timeout = std::chrono::seconds(config_.timeout_s);
    listener_ = std::make_unique<http::Server>(opts, std::move(router));
    if (Status st = listener_->start(); !st) {
        listener_.reset();
        return st.prefixed("Gitter on " + config_.listen.addr + ":" +
                           std::to_string(config_.listen.port));
    }
    VQ_LOG_INFO("GITTER_READY addr={}:{} endpoint={}", config_.listen.addr, listener_->port(),
                routePrefix() + "<hook-id>");
    return Status::ok();
}

void Gitter::stop() {
    if (listener_) {
        listener_->stop();
        listener_.reset();
    }
}

uint16_t Gitter::port() const {
    return listener_ ? listener_->port() : 0;
}

}  // namespace vq::server
