#include "server/user_api.h"

#include <chrono>
#include <set>

#include "metrics/registry.h"
#include <nlohmann/json.hpp>

#include "base/log.h"
#include "http/query.h"

namespace vq::server {
namespace {

http::Response plain(unsigned status, std::string text) {
    http::Response r = http::Response::text(status, text + "\n");
    if (status != 200)
        r.log_reason = std::move(text);
    return r;
}

// GET /hosts/<site>/<host>/events; rest is "<site>/<host>".
http::Response hostEvents(const HostEventLog* log, const std::string& rest) {
    const auto slash = rest.find('/');
    if (log == nullptr || slash == std::string::npos || slash == 0 || slash + 1 == rest.size())
        return plain(404, "expected /hosts/<site>/<host>/events");
    nlohmann::json items = nlohmann::json::array();
    for (const auto& e : log->events(rest.substr(0, slash), rest.substr(slash + 1)))
        items.push_back(toJson(e));
    nlohmann::json body = {{"events", items}};
    return http::Response::json(
        200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// Every host of one SoT: stored progress with the rollout's phase, and the hosts removed from
// it (they keep their stored progress, but are no longer current).
void addHostsOf(const SotView& view, nlohmann::json& hosts, nlohmann::json& removed) {
    StateEngine* state = view.state;
    std::vector<HostRolloutView> rollout;
    if (state != nullptr)
        rollout = state->hosts();
    auto rolloutOf = [&rollout](const std::string& site, const std::string& host) {
        for (auto& v : rollout) {
            if (v.site == site && v.host == host)
                return &v;
        }
        return static_cast<HostRolloutView*>(nullptr);
    };
    auto addRollout = [](nlohmann::json& j, HostRolloutView& v) {
        j["phase"] = std::string(workflow::toString(v.status.phase));
        j["revision"] = v.status.revision;
        j["provisioned_revision"] = v.status.provisioned_revision;
        j["since"] = workflow::formatTime(v.since);
        v.site.clear();  // shown
    };
    std::set<std::string, std::less<>> gone;
    if (state != nullptr) {
        for (const auto& r : state->removedHosts()) {
            removed.push_back({{"site", r.site},
                               {"host", r.host},
                               {"removed_in", r.removed_in},
                               {"since", workflow::formatTime(r.since)}});
            gone.insert(r.site + "/" + r.host);
        }
    }
    if (view.engine != nullptr) {
        for (const auto& p : view.engine->all()) {
            if (!gone.empty() && gone.count(p.site + "/" + p.host) != 0)
                continue;
            auto j = nlohmann::json::parse(workflow::toJson(p));
            if (auto* v = rolloutOf(p.site, p.host); v != nullptr)
                addRollout(j, *v);
            hosts.push_back(std::move(j));
        }
    }
    // Hosts that never checkpointed have no stored progress, only a rollout phase.
    for (auto& v : rollout) {
        if (v.site.empty())
            continue;
        nlohmann::json j = {{"site", v.site}, {"host", v.host}, {"workflow", v.workflow}};
        addRollout(j, v);
        hosts.push_back(std::move(j));
    }
}

}  // namespace

void addUserApiRoutes(http::Router& router, const UserApiContext& ctx) {
    router.exact("/live", [](const http::Request&) { return plain(200, "live"); });
    if (ctx.metrics) {
        router.exact("/metrics", [metrics = ctx.metrics](const http::Request&) {
            return http::Response::text(200, metrics(), std::string(metrics::kContentType));
        });
    }
    // Shared by the routes below: the router's server may outlive this call.
    auto views = std::make_shared<const std::vector<SotView>>(ctx.sots);
    router.exact("/ready", [views](const http::Request&) {
        bool ready = !views->empty();
        for (const auto& v : *views)
            ready = ready && v.model && v.model();
        return ready ? plain(200, "ready") : plain(500, "not ready: no model loaded");
    });

    router.exact(
        "/override",
        [views](const http::Request& req) {
            const std::string site = req.query.value("site");
            const std::string host = req.query.value("host");
            const std::string boot = req.query.value("boot");
            if (site.empty() || host.empty() || boot.empty())
                return plain(400, kOverrideMissing);
            const SotView* view = viewOfSite(*views, site);
            auto m = view != nullptr && view->model ? view->model() : nullptr;
            if (!m || view->engine == nullptr)
                return plain(503, "no model loaded");
            auto t = view->engine->override(site, host, boot, *m, std::chrono::system_clock::now());
            if (!t)
                return plain(http::httpStatusFor(t.code()), t.message());
            VQ_LOG_INFO("HOST_OVERRIDE site={} host={} boot={} from_boot={}", t->progress.site,
                        t->progress.host, t->progress.boot, t->from_boot);
            return plain(200, kOverrideOk);
        },
        http::Methods{http::Method::post});

    router.exact("/hosts", [views](const http::Request&) {
        nlohmann::json hosts = nlohmann::json::array();
        nlohmann::json removed = nlohmann::json::array();
        for (const auto& v : *views)
            addHostsOf(v, hosts, removed);
        nlohmann::json body = {{"hosts", hosts}, {"removed", removed}};
        return http::Response::json(
            200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    });

    router.prefix("/hosts/", [views](const http::Request& req) {
        const auto decoded = http::percentDecode(req.rest);
        if (!decoded)
            return plain(400, "bad percent-encoding in the path");
        std::string rest = *decoded;
        const SotView* view = viewOfSite(*views, rest.substr(0, rest.find('/')));
        if (view == nullptr || view->state == nullptr)
            return plain(503, "no state engine");
        if (rest.ends_with("/events")) {
            rest.resize(rest.size() - 7);
            return hostEvents(view->host_events, rest);
        }
        const auto slash = rest.find('/');
        if (slash == std::string::npos || slash == 0 || slash + 1 == rest.size())
            return plain(400, "expected /hosts/<site>/<host>");
        auto past = view->state->history(rest.substr(0, slash), rest.substr(slash + 1));
        if (!past)
            return plain(http::httpStatusFor(past.code()), past.message());
        nlohmann::json items = nlohmann::json::array();
        for (const auto& t : past->transitions) {
            items.push_back({{"time", workflow::formatTime(t.time)},
                             {"from", std::string(workflow::toString(t.transition.from))},
                             {"to", std::string(workflow::toString(t.transition.to))},
                             {"stage", t.transition.stage + 1},
                             {"revision", t.transition.revision},
                             {"reason", t.transition.reason}});
        }
        nlohmann::json body = {{"transitions", items}, {"removed", past->removed}};
        if (past->removed)
            body["removed_in"] = past->removed_in;
        return http::Response::json(
            200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    });

    router.exact(
        "/reprovision",
        [views](const http::Request& req) {
            const std::string site = req.query.value("site");
            const std::string host = req.query.value("host");
            if (site.empty() || host.empty())
                return plain(400, kOverrideMissing);
            const SotView* view = viewOfSite(*views, site);
            if (view == nullptr || view->state == nullptr)
                return plain(503, "no state engine");
            if (Status st = view->state->reprovision(site, host); !st)
                return plain(http::httpStatusFor(st.code()), st.message());
            VQ_LOG_INFO("HOST_REPROVISION site={} host={}", site, host);
            return plain(200, "host " + site + "/" + host + " is out of date");
        },
        http::Methods{http::Method::post});

    for (const bool halt : {true, false}) {
        router.exact(
            halt ? "/halt" : "/resume",
            [views, halt](const http::Request& req) {
                const std::string site = req.query.value("site");
                const std::string wf = req.query.value("workflow");
                if (site.empty() || wf.empty())
                    return plain(400, kOverrideMissing);
                const SotView* view = viewOfSite(*views, site);
                if (view == nullptr || view->state == nullptr)
                    return plain(503, "no state engine");
                Status st = halt ? view->state->halt(site, wf) : view->state->resume(site, wf);
                if (!st)
                    return plain(http::httpStatusFor(st.code()), st.message());
                return plain(200, "workflow " + site + "/" + wf + (halt ? " halted" : " resumed"));
            },
            http::Methods{http::Method::post});
    }

    router.exact("/plan", [views](const http::Request&) {
        for (const auto& v : *views) {
            if (v.state == nullptr)
                return plain(503, "no state engine");
        }
        if (views->size() == 1)
            return http::Response::json(200, views->front().state->planJson());
        nlohmann::json sots = nlohmann::json::array();
        for (const auto& v : *views) {
            auto plan = nlohmann::json::parse(v.state->planJson());
            plan["sot"] = v.sot != nullptr ? v.sot->id : std::string();
            sots.push_back(std::move(plan));
        }
        nlohmann::json body = {{"sots", sots}};
        return http::Response::json(
            200, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    });
}

}  // namespace vq::server
