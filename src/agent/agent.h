#pragma once
// The agent: a site's boot services. It serves one site of the model revisions its server
// pushes: HTTP (boot endpoints, /files, /events), DHCP and TFTP; keeps the per-host boot
// timeline and reports every event and checkpoint up. It holds no state of its own: what a
// host is served comes from the server's manifest. It knows its server only through
// control::Links, so the same agent runs in `standalone` (links to an in-process server)
// and, later, as `vaquero agent` (links over HTTPS). Several agents can run in one process.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "control/links.h"
#include "control/model_holder.h"

#include "agent/http_metrics.h"
#include "agent/site_select.h"
#include "agent/timeline.h"
#include "base/result.h"

namespace vq::http {
class Router;
class Server;
}  // namespace vq::http

namespace vq::agent {

class BootServices;

struct AgentOptions {
    std::string site_id;             // empty: the only site of the model
    std::string agent_id;            // empty: the only agent of the site
    std::string listen = "0.0.0.0";  // HTTP listen address (multihoming: all interfaces)
    int http_port = -1;              // overrides asset_server.port when >= 0 (0 = any)
    int http_threads = 0;            // 0: one per core, at least 2
    bool boot_services = true;       // DHCP + TFTP (need privileges)
    // More HTTP routes from the composition root (`vaquero agent` adds /ready); may be null.
    std::function<void(http::Router&)> extra_routes;
    // More /metrics samples from the composition root (the agent's sync with its server).
    std::function<void(metrics::Exposition&)> extra_metrics;
};

class Agent {
public:
    Agent(AgentOptions options, control::Links links);
    ~Agent();
    Agent(const Agent&) = delete;
    Agent& operator=(const Agent&) = delete;

    // Needs a model revision from the server; selects the site and agent, starts HTTP and
    // the boot services, then follows new revisions. Errors name what is wrong.
    Status start();
    void stop();

    uint16_t httpPort() const;
    Timeline& timeline() { return *timeline_; }
    const Selection& selection() const { return selection_; }
    // The revision being served (0 before start).
    uint64_t revision() const { return revision_.load(); }
    // What GET /metrics answers: HTTP, DHCP, TFTP, the revision served, the build.
    std::string metricsText() const;

private:
    class Reporter;
    void onRevision(const control::RevisionPtr& rev);

    AgentOptions options_;
    control::Links links_;
    std::unique_ptr<Timeline> timeline_;
    std::unique_ptr<Reporter> reporter_;
    control::ModelHolder models_;
    Selection selection_;
    std::atomic<uint64_t> revision_{0};
    uint64_t subscription_ = 0;
    HttpMetrics http_metrics_;
    std::unique_ptr<http::Server> http_;
    std::unique_ptr<BootServices> boot_;
};

}  // namespace vq::agent
