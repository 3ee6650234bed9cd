#include "agentd/agent_command.h"

#include <cstdlib>
#include <iostream>

#include "remote/remote_links.h"
#include <pthread.h>
#include <signal.h>

#include "agent/agent.h"
#include "agent/task_executor.h"
#include "base/log.h"
#include "base/process.h"
#include "base/version.h"
#include "http/router.h"
#include "server/config.h"

namespace vq::agentd {
namespace {

int fail(const std::string& message) {
    return startupFailure("agent", "AGENT_FAILED", message);
}

}  // namespace

int runAgent(const AgentCommandOptions& options) {
    const sigset_t signals = blockStopSignals();

    auto loaded = server::loadConfigForRun(options.config_path, options.log_level);
    if (!loaded)
        return fail(loaded.message());
    const server::Config& config = *loaded;

    remote::RemoteOptions ro;
    ro.session.site_id = flagOrEnv(options.site_id, "VAQUERO_SITE_ID");
    ro.session.agent_id = flagOrEnv(options.agent_id, "VAQUERO_AGENT_ID");
    ro.session.shared_secret = flagOrEnv(options.shared_secret, "VAQUERO_SHARED_SECRET");
    ro.session.version = std::string(version());
    ro.session.client.host =
        options.server_addr.empty() ? config.server_client.endpoint.addr : options.server_addr;
    ro.session.client.port = static_cast<uint16_t>(
        options.server_port >= 0 ? options.server_port : config.server_client.endpoint.port);
    ro.session.client.trust.insecure_skip_verify =
        options.insecure || config.server_client.insecure_skip_verify;
    ro.session.client.trust.ca_file =
        options.ca_file.empty() ? config.server_client.ca_file : options.ca_file;
    const std::string agent_dir = ro.session.agent_id.empty() ? "_" : ro.session.agent_id;
    ro.cache_dir =
        std::filesystem::path(config.save_path) / "agent" / ro.session.site_id / agent_dir;
    if (ro.session.client.trust.insecure_skip_verify)
        VQ_LOG_WARN("TLS_VERIFY_DISABLED the server's certificate is not checked (-k)");

    auto links = remote::RemoteLinks::create(ro);
    if (!links)
        return fail(links.message());
    remote::RemoteLinks& remote_links = **links;
    if (Status st = remote_links.start(std::chrono::seconds(options.start_wait_s)); !st)
        return fail(st.message());

    agent::AgentOptions ao;
    ao.site_id = ro.session.site_id;
    ao.agent_id = ro.session.agent_id;
    ao.listen = options.listen;
    ao.http_port = options.http_port;
    ao.http_threads = options.http_threads;
    ao.boot_services = options.boot_services;
    // 200 while in sync with the server, 503 while serving from the cache or behind.
    ao.extra_routes = [&remote_links](http::Router& router) {
        router.exact("/ready", [&remote_links](const http::Request&) {
            return http::Response::json(remote_links.inSync() ? 200 : 503,
                                        remote_links.statusJson());
        });
    };
    ao.extra_metrics = [&remote_links](metrics::Exposition& out) { remote_links.collect(out); };
    agent::Agent agent(ao, remote_links.links());
    if (Status st = agent.start(); !st) {
        remote_links.stop();
        return fail(st.message());
    }
    // The site's power actions and containers: BMCs and the container engine are reached
    // from here, with this machine's Containers: settings.
    agent::TaskExecutorOptions to;
    to.site = ro.session.site_id;
    to.agent = ro.session.agent_id;
    to.threads = static_cast<size_t>(config.tasks.threads);
    to.runner.runtime = server::containerRuntime(config.containers);
    to.runner.drivers.ssh.known_hosts_dir = config.save_path;
    agent::TaskExecutor tasks(*remote_links.links().tasks, to);
    tasks.start();
    VQ_LOG_INFO("AGENT_STARTED server={}:{} site={} agent={} http={} cache={}",
                ro.session.client.host, ro.session.client.port, ro.session.site_id,
                agent.selection().agent.name, agent.httpPort(), ro.cache_dir.string());

    VQ_LOG_INFO("AGENT_STOPPING signal={}", waitForStopSignal(signals));
    tasks.stop();
    agent.stop();
    remote_links.stop();
    VQ_LOG_INFO("AGENT_STOPPED");
    spdlog::default_logger()->flush();
    return 0;
}

}  // namespace vq::agentd
