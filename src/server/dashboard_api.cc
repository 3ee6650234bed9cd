#include "server/dashboard_api.h"

#include <unordered_map>

#include "ui/assets.h"
#include <nlohmann/json.hpp>

#include "model/host_roles.h"

namespace vq::server {
namespace {

std::string dump(const nlohmann::json& j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// One reader of the change feed; starts at what is new when it connects.
class FeedReader : public http::EventSource {
public:
    explicit FeedReader(ChangeFeed& feed) : feed_(feed), after_(feed.last()) {}
    std::vector<std::string> poll(size_t max_bytes) override {
        auto batch = feed_.since(after_, max_bytes);
        after_ = batch.last;
        if (batch.lost)
            batch.messages.insert(batch.messages.begin(), "{\"type\":\"reset\"}");
        return std::move(batch.messages);
    }

private:
    ChangeFeed& feed_;
    uint64_t after_;
};

http::Response asset(const std::string& rest) {
    const ui::Asset* a = ui::findAsset(rest.empty() ? "index.html" : rest);
    if (a == nullptr)
        return http::Response::error(404, "no dashboard file " + rest);
    http::Response r =
        http::Response::text(200, std::string(a->body), std::string(a->content_type));
    r.header("Cache-Control", "no-cache");
    return r;
}

}  // namespace

std::string dashboardHostsJson(const DashboardContext& ctx) {
    auto m = ctx.model ? ctx.model() : nullptr;
    nlohmann::json sites = nlohmann::json::array();
    nlohmann::json hosts = nlohmann::json::array();
    if (!m)
        return dump({{"sites", sites}, {"hosts", hosts}});
    std::unordered_map<std::string, HostRolloutView> rollout;
    if (ctx.state != nullptr) {
        for (auto& v : ctx.state->hosts())
            rollout.emplace(v.site + "/" + v.host, std::move(v));
    }
    std::unordered_map<std::string, workflow::HostProgress> progress;
    if (ctx.engine != nullptr) {
        for (auto& p : ctx.engine->all())
            progress.emplace(p.site + "/" + p.host, std::move(p));
    }
    std::unordered_map<std::string, HostEvent> latest;
    if (ctx.host_events != nullptr)
        latest = ctx.host_events->latest();
    for (const auto& site : m->sites()) {
        sites.push_back({{"id", site.id}, {"name", site.name}, {"hosts", site.hosts.size()}});
        for (const auto& host : site.hosts) {
            const std::string key = site.id + "/" + host.name;
            nlohmann::json macs = nlohmann::json::array();
            nlohmann::json ips = nlohmann::json::array();
            for (const auto& i : host.interfaces) {
                if (i.type == "bmc")
                    continue;  // the BMC is not where the host boots; its secrets stay out
                if (!i.mac_text.empty())
                    macs.push_back(i.mac ? i.mac->toString() : i.mac_text);
                if (!i.ipv4_text.empty())
                    ips.push_back(i.ipv4_text);
            }
            nlohmann::json h = {{"site", site.id},
                                {"host", host.name},
                                {"workflow", host.workflow},
                                {"macs", macs},
                                {"ips", ips}};
            if (auto it = rollout.find(key); it != rollout.end()) {
                h["phase"] = std::string(workflow::toString(it->second.status.phase));
                h["revision"] = it->second.status.revision;
                h["since"] = workflow::formatTime(it->second.since);
            }
            if (auto it = progress.find(key); it != progress.end()) {
                h["stage"] = it->second.stage + 1;
                h["boot"] = it->second.boot;
                h["state"] = std::string(workflow::toString(it->second.state));
            }
            if (auto it = latest.find(key); it != latest.end())
                h["last"] = toJson(it->second);
            hosts.push_back(std::move(h));
        }
    }
    return dump({{"sites", sites}, {"hosts", hosts}});
}

void addDashboardRoutes(http::Router& router, const DashboardContext& ctx) {
    router.exact("/ui", [](const http::Request&) {
        http::Response r = http::Response::text(301, "/ui/\n");
        r.header("Location", "/ui/");
        return r;
    });
    router.prefix("/ui/", [](const http::Request& req) { return asset(req.rest); });
    router.exact("/ui/hosts", [ctx](const http::Request&) {
        return http::Response::json(200, dashboardHostsJson(ctx));
    });
    if (ctx.feed != nullptr) {
        router.exact("/ui/events", [feed = ctx.feed](const http::Request&) {
            http::Response r;
            r.events = std::make_shared<FeedReader>(*feed);
            return r;
        });
    }
}

}  // namespace vq::server
