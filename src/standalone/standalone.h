#pragma once
// `vaquero standalone`: one server and one agent in one process, joined in-process through
// the control interfaces (control/links.h), exactly as `server` and `agent` are joined over
// the network: the agent's side also leases and runs the server's tasks (power, containers).
// `Standalone` is the object (tests build it, several per process); runStandalone() is the
// command: configuration file, logging, signals.

#include <memory>
#include <string>

#include "agent/agent.h"
#include "agent/task_executor.h"
#include "base/result.h"
#include "server/config.h"
#include "server/server.h"

namespace vq::standalone {

struct StandaloneOptions {
    std::string config_path;
    std::string site_id;             // --site-id, else VAQUERO_SITE_ID, else the only site
    std::string agent_id;            // --agent-id, else VAQUERO_AGENT_ID, else the only agent
    std::string log_level;           // overrides Log.Level when set
    std::string listen = "0.0.0.0";  // HTTP listen address (multihoming: all interfaces)
    int http_port = -1;              // overrides asset_server.port when >= 0 (0 = any)
    int http_threads = 0;            // 0: one per core, at least 2
    bool boot_services = true;       // DHCP + TFTP (need privileges)
    bool user_api = true;            // the server's User API listener
    // What reboots hosts and runs containers; null: tasks, run by this process's task
    // executor (as an agent would). Must outlive the standalone.
    server::Effects* effects = nullptr;
};

class Standalone {
public:
    // Opens the server (store, SoT) and prepares the agent; nothing listens yet. The site
    // and agent come from the options (already resolved from the environment).
    static Result<std::unique_ptr<Standalone>> create(const server::Config& config,
                                                      const StandaloneOptions& options);
    ~Standalone();
    Standalone(const Standalone&) = delete;
    Standalone& operator=(const Standalone&) = delete;

    Status start();
    void stop();

    server::Server& server() { return *server_; }
    agent::Agent& agent() { return *agent_; }

private:
    class WorkflowEvents;
    Standalone() = default;

    std::unique_ptr<WorkflowEvents> workflow_events_;
    std::unique_ptr<server::Server> server_;
    std::unique_ptr<agent::Agent> agent_;
    // Runs the server's tasks (every site's: the power actions and containers of a
    // standalone are all local), leased in-process as `vaquero agent` leases them.
    std::unique_ptr<agent::TaskExecutor> tasks_;
};

// Runs until SIGTERM/SIGINT; returns the process exit code (0 clean stop, 2 misconfiguration).
int runStandalone(const StandaloneOptions& options);

}  // namespace vq::standalone
