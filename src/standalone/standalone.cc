#include "standalone/standalone.h"

#include <atomic>
#include <cstdlib>
#include <iostream>

#include <pthread.h>
#include <signal.h>

#include "base/log.h"
#include "base/process.h"

namespace vq::standalone {
namespace {

constexpr int kExitOk = 0;
int fail(const std::string& message) {
    return startupFailure("standalone", "STANDALONE_FAILED", message);
}

}  // namespace

// The server's workflow transitions also go to the agent's timeline, so one host's
// /events shows its whole boot. The agent is built after the server, hence the late target.
class Standalone::WorkflowEvents : public EventSink {
public:
    void record(HostEvent e) override {
        if (EventSink* t = target_.load())
            t->record(std::move(e));
    }
    void setTarget(EventSink* t) { target_.store(t); }

private:
    std::atomic<EventSink*> target_{nullptr};
};

Result<std::unique_ptr<Standalone>> Standalone::create(const server::Config& config,
                                                       const StandaloneOptions& options) {
    std::unique_ptr<Standalone> s(new Standalone());
    s->workflow_events_ = std::make_unique<WorkflowEvents>();
    server::ServerOptions so;
    so.workflow_events = s->workflow_events_.get();
    so.user_api = options.user_api;
    so.effects = options.effects;
    // The agent serves one site: a SoT change that removes it is refused before it is
    // published (an empty site id means the only site, which selection checks at start).
    if (!options.site_id.empty()) {
        so.accept = [site = options.site_id](const model::Model& m) -> std::string {
            return m.site(site) == nullptr ? "site " + site + " disappeared" : std::string();
        };
    }
    // One site, so one SoT: the first. `vaquero server` serves every SoT[] entry.
    for (size_t i = 1; i < config.sots.size(); ++i) {
        VQ_LOG_WARN("CONFIG_WARNING SoT {} ignored: standalone serves one SoT ({})",
                    config.sots[i].id, config.sots.front().id);
    }
    auto server = server::Server::open(config, std::move(so));
    if (!server)
        return server.status();
    s->server_ = std::move(*server);

    agent::AgentOptions ao;
    ao.site_id = options.site_id;
    ao.agent_id = options.agent_id;
    ao.listen = options.listen;
    ao.http_port = options.http_port;
    ao.http_threads = options.http_threads;
    ao.boot_services = options.boot_services;
    s->agent_ = std::make_unique<agent::Agent>(ao, s->server_->links());
    s->workflow_events_->setTarget(&s->agent_->timeline());

    agent::TaskExecutorOptions to;
    to.agent = options.agent_id.empty() ? "standalone" : options.agent_id;
    to.threads = static_cast<size_t>(config.tasks.threads);
    to.wait = std::chrono::milliseconds(1'000);
    to.runner.runtime = server::containerRuntime(config.containers);
    // SSH BMCs record their host keys on first use beside the store.
    to.runner.drivers.ssh.known_hosts_dir = config.save_path;
    s->tasks_ = std::make_unique<agent::TaskExecutor>(s->server_->tasks(), to);
    return s;
}

Standalone::~Standalone() {
    stop();
}

Status Standalone::start() {
    VQ_TRY(server_->start());
    if (Status st = agent_->start(); !st) {
        server_->stop();
        return st;
    }
    tasks_->start();
    return Status::ok();
}

void Standalone::stop() {
    if (server_)
        server_->tasks().stop();  // wakes the executor's long poll
    if (tasks_)
        tasks_->stop();
    if (agent_)
        agent_->stop();
    if (server_)
        server_->stop();
}

int runStandalone(const StandaloneOptions& options) {
    // Stop signals go to waitForStopSignal() below; every thread started from here inherits
    // the mask.
    const sigset_t signals = blockStopSignals();

    auto config = server::loadConfigForRun(options.config_path, options.log_level);
    if (!config)
        return fail(config.message());

    StandaloneOptions resolved = options;
    resolved.site_id = flagOrEnv(options.site_id, "VAQUERO_SITE_ID");
    resolved.agent_id = flagOrEnv(options.agent_id, "VAQUERO_AGENT_ID");
    auto created = Standalone::create(*config, resolved);
    if (!created)
        return fail(created.message());
    Standalone& s = **created;
    if (Status st = s.start(); !st)
        return fail(st.message());
    const auto& sel = s.agent().selection();
    VQ_LOG_INFO("STANDALONE_READY http={}:{} site={} agent={} poll_interval_s={}", options.listen,
                s.agent().httpPort(), sel.site_id, sel.agent.name, config->poll_interval_s);

    VQ_LOG_INFO("STANDALONE_STOPPING signal={}", waitForStopSignal(signals));
    s.stop();
    VQ_LOG_INFO("STANDALONE_STOPPED");
    spdlog::default_logger()->flush();
    return kExitOk;
}

}  // namespace vq::standalone
