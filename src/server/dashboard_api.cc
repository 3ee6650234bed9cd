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
    explicit FeedReader(ChangeFeed& feed) : feed_(feed), after_((feed.addReader(), feed.last())) {}
    ~FeedReader() override { feed_.removeReader(); }
    FeedReader(const FeedReader&) = delete;
    FeedReader& operator=(const FeedReader&) = delete;
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

// A JSON string literal; invalid UTF-8 is replaced as nlohmann's dump would.
std::string jsonString(const std::string& s) {
    bool plain = true;  // printable ASCII without quote or backslash: copied as is
    for (const char c : s)
        plain = plain && c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
    if (plain)
        return '"' + s + '"';
    return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The rollout view of site/host. Views come in model order, so the next one is almost always
// it; a state engine on another revision than the model may have hosts more or fewer, so a
// few views are looked ahead before giving up.
const HostRolloutView* nextRollout(const std::vector<HostRolloutView>& views,
                                   size_t& next,
                                   const std::string& site,
                                   const std::string& host) {
    constexpr size_t kLookAhead = 16;
    for (size_t i = next; i < views.size() && i < next + kLookAhead; ++i) {
        if (views[i].host == host && views[i].site == site) {
            next = i + 1;
            return &views[i];
        }
    }
    return nullptr;
}

// The hosts of one SoT, appended to the list `out` (`first`: nothing in it yet).
void appendHosts(const model::Model& m, const SotView& view, std::string& out, bool& first) {
    // In model order, like the loop below: matched by walking both, without a lookup table.
    std::vector<HostRolloutView> rollout;
    if (view.state != nullptr)
        rollout = view.state->hosts();
    size_t next_rollout = 0;
    std::unordered_map<std::string, workflow::HostProgress> progress;
    if (view.engine != nullptr) {
        for (auto& p : view.engine->all())
            progress.emplace(p.site + "/" + p.host, std::move(p));
    }
    std::unordered_map<std::string, HostEvent> latest;
    if (view.host_events != nullptr)
        latest = view.host_events->latest();
    std::string key;
    const bool keyed = !progress.empty() || !latest.empty();
    for (const auto& site : m.sites()) {
        for (const auto& host : site.hosts) {
            if (keyed)
                key.assign(site.id).append("/").append(host.name);
            out += first ? "{" : ",{";
            first = false;
            out += R"("site":)" + jsonString(site.id) + R"(,"host":)" + jsonString(host.name) +
                   R"(,"workflow":)" + jsonString(host.workflow);
            std::string macs, ips;
            for (const auto& i : host.interfaces) {
                if (i.type == "bmc")
                    continue;  // not where the host boots; its credentials stay out
                if (!i.mac_text.empty())
                    macs += (macs.empty() ? "" : ",") +
                            jsonString(i.mac ? i.mac->toString() : i.mac_text);
                if (!i.ipv4_text.empty())
                    ips += (ips.empty() ? "" : ",") + jsonString(i.ipv4_text);
            }
            out += R"(,"macs":[)" + macs + R"(],"ips":[)" + ips + "]";
            if (const HostRolloutView* v = nextRollout(rollout, next_rollout, site.id, host.name)) {
                out += R"(,"phase":")";
                out += workflow::toString(v->status.phase);
                out += R"(","revision":)" + std::to_string(v->status.revision);
            }
            if (keyed) {
                if (auto it = progress.find(key); it != progress.end()) {
                    out += R"(,"stage":)" + std::to_string(it->second.stage + 1) + R"(,"boot":)" +
                           jsonString(it->second.boot) + R"(,"state":)" +
                           jsonString(std::string(workflow::toString(it->second.state)));
                }
                if (auto it = latest.find(key); it != latest.end())
                    out += R"(,"last":)" + dump(toJson(it->second));
            }
            out += "}";
        }
    }
}

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

// Written by hand rather than through a JSON tree: the list is the dashboard's first request
// and 10,000 hosts must cost milliseconds, not a tree of 100,000 nodes.
std::string dashboardHostsJson(const DashboardContext& ctx) {
    struct Part {
        std::shared_ptr<const model::Model> model;
        const SotView* view;
    };
    std::vector<Part> parts;
    size_t host_count = 0;
    for (const auto& v : ctx.sots) {
        if (auto m = v.model ? v.model() : nullptr) {
            host_count += m->hostCount();
            parts.push_back({std::move(m), &v});
        }
    }
    std::string out;
    out.reserve(64 + host_count * 200);
    out += R"({"sites":[)";
    bool first = true;
    for (const auto& part : parts) {
        for (const auto& site : part.model->sites()) {
            out += first ? "{" : ",{";
            first = false;
            out += R"("id":)" + jsonString(site.id) + R"(,"name":)" + jsonString(site.name) +
                   R"(,"hosts":)" + std::to_string(site.hosts.size()) + "}";
        }
    }
    out += R"(],"hosts":[)";
    first = true;
    for (const auto& part : parts)
        appendHosts(*part.model, *part.view, out, first);
    out += "]}";
    return out;
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
