#include "agent/agent.h"

#include <algorithm>
#include <thread>

#include "metrics/registry.h"

#include "agent/boot_services.h"
#include "agent/routes.h"
#include "base/log.h"
#include "base/version.h"
#include "http/server.h"

namespace vq::agent {
namespace {

// The inventory's interface addresses, for attributing TFTP events to MACs.
std::vector<std::pair<Ipv4, MacAddr>> inventoryAddresses(const model::Model& m,
                                                         const std::string& site_id) {
    std::vector<std::pair<Ipv4, MacAddr>> out;
    const model::Site* site = m.site(site_id);
    if (site == nullptr)
        return out;
    for (const auto& host : site->hosts) {
        for (const auto& iface : host.interfaces) {
            if (iface.ipv4 && iface.mac)
                out.emplace_back(*iface.ipv4, *iface.mac);
        }
    }
    return out;
}

}  // namespace

// Every event goes to the local timeline (served at /events) and up to the server.
class Agent::Reporter : public EventSink {
public:
    Reporter(Timeline& timeline, control::EventReport* up, std::string site)
        : timeline_(timeline), up_(up), site_(std::move(site)) {}
    void record(HostEvent e) override {
        if (up_ != nullptr)
            up_->report(site_, e);
        timeline_.record(std::move(e));
    }

private:
    Timeline& timeline_;
    control::EventReport* up_;
    std::string site_;
};

Agent::Agent(AgentOptions options, control::Links links)
    : options_(std::move(options)), links_(links), timeline_(std::make_unique<Timeline>()) {}

Agent::~Agent() {
    stop();
}

Status Agent::start() {
    if (links_.revisions == nullptr)
        return Status::failedPrecondition("agent: no revision feed");
    control::RevisionPtr first = links_.revisions->latest();
    if (!first || !first->model)
        return Status::unavailable("agent: the server has no model revision to serve");
    auto selection = selectSiteAgent(*first->model, options_.site_id, options_.agent_id);
    if (!selection)
        return selection.status();
    selection_ = *selection;
    const auto& asset = selection_.agent.asset_server;
    if (asset.scheme != "http") {
        return Status::invalidArgument("asset_server.scheme '" + asset.scheme +
                                       "' is not served (http only)");
    }
    if (!asset.cdn_addr.empty() && asset.cdn_port > 0 && asset.cdn_scheme != "http") {
        return Status::invalidArgument("asset_server.cdn_scheme '" + asset.cdn_scheme +
                                       "' is not supported (http only)");
    }
    models_.set(first->model);
    revision_ = first->number;
    timeline_->setInventoryAddresses(inventoryAddresses(*first->model, selection_.site_id));
    reporter_ = std::make_unique<Reporter>(*timeline_, links_.report, selection_.site_id);

    http::Router router;
    RouteContext ctx;
    ctx.model = [this] { return models_.get(); };
    ctx.site_id = selection_.site_id;
    ctx.agent = selection_.agent;
    ctx.timeline = timeline_.get();
    ctx.manifest = links_.manifest;
    ctx.report = links_.report;
    ctx.revisions = links_.revisions;
    addAgentRoutes(router, ctx);
    router.exact("/metrics", [this](const http::Request&) {
        return http::Response::text(200, metricsText(), std::string(metrics::kContentType));
    });
    if (options_.extra_routes)
        options_.extra_routes(router);

    http::ServerOptions http_opts;
    http_opts.address = options_.listen;
    http_opts.port =
        static_cast<uint16_t>(options_.http_port >= 0 ? options_.http_port : asset.port);
    http_opts.threads = options_.http_threads > 0
                            ? options_.http_threads
                            : std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
    http_ = std::make_unique<http::Server>(http_opts, std::move(router));
    http_->setObserver([this, events = makeEventObserver(*reporter_)](const http::Request& req,
                                                                      const http::Exchange& ex) {
        http_metrics_.observe(req, ex);
        events(req, ex);
    });
    if (Status st = http_->start(); !st) {
        http_.reset();
        return st;
    }

    if (options_.boot_services) {
        BootServicesConfig bc;
        bc.site_id = selection_.site_id;
        bc.agent = selection_.agent;
        bc.http_port = http_->port();
        auto started = startBootServices(bc, models_, *reporter_);
        if (!started) {
            stop();
            return started.status();
        }
        boot_ = std::move(*started);
    }
    subscription_ =
        links_.revisions->subscribe([this](const control::RevisionPtr& rev) { onRevision(rev); });
    VQ_LOG_INFO("AGENT_READY http={}:{} site={} agent={} revision={}", options_.listen,
                http_->port(), selection_.site_id, selection_.agent.name, revision_.load());
    return Status::ok();
}

void Agent::onRevision(const control::RevisionPtr& rev) {
    if (!rev || !rev->model || rev->number <= revision_.load())
        return;
    if (rev->model->site(selection_.site_id) == nullptr) {
        VQ_LOG_ERROR("REVISION_REFUSED revision={} reason=\"site {} disappeared\" keeping={}",
                     rev->number, selection_.site_id, revision_.load());
        return;
    }
    models_.set(rev->model);
    revision_ = rev->number;
    timeline_->setInventoryAddresses(inventoryAddresses(*rev->model, selection_.site_id));
    VQ_LOG_INFO("REVISION_SERVED revision={} site={}", rev->number, selection_.site_id);
}

void Agent::stop() {
    if (subscription_ != 0 && links_.revisions != nullptr) {
        links_.revisions->unsubscribe(subscription_);
        subscription_ = 0;
    }
    // HTTP first: a /metrics request in flight reads the boot services.
    if (http_) {
        http_->stop();
        http_.reset();
    }
    boot_.reset();
}

std::string Agent::metricsText() const {
    metrics::Exposition out;
    out.gauge("vaquero_build_info", "The running build; the value is always 1.",
              {{"version", std::string(version())}}, 1);
    out.gauge("vaquero_agent_revision", "The model revision the agent serves.",
              {{"site", selection_.site_id}}, static_cast<double>(revision_.load()));
    http_metrics_.collect(out);
    if (http_) {
        const http::ConnectionStats c = http_->connectionStats();
        out.gauge("vaquero_http_connections", "Open HTTP connections.", {},
                  static_cast<double>(c.open));
        out.gauge("vaquero_http_connections_limit",
                  "Open HTTP connections at most (fitted to the descriptor limit).", {},
                  static_cast<double>(c.limit));
        out.counter("vaquero_http_connections_closed_total",
                    "Connections closed at the limit: a waiting one to make room (evicted), or "
                    "a newcomer when every connection was busy (refused).",
                    {{"reason", "evicted"}}, static_cast<double>(c.evicted));
        out.counter("vaquero_http_connections_closed_total", "", {{"reason", "refused"}},
                    static_cast<double>(c.refused));
    }
    if (boot_)
        boot_->collect(out);
    if (options_.extra_metrics)
        options_.extra_metrics(out);
    return out.render();
}

uint16_t Agent::httpPort() const {
    return http_ ? http_->port() : 0;
}

}  // namespace vq::agent
