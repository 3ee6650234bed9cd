#include "agentd/agent_command.h"

#include "cli/command.h"

namespace vq::cli {

void addAgentCommand(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("agent", "The site-local boot services fed by a server");
    auto opts = std::make_shared<agentd::AgentCommandOptions>();
    cmd->add_option("--config", opts->config_path, "Configuration file (CamelCase keys)")
        ->required();
    cmd->add_option("--site-id", opts->site_id, "Site to serve (default: $VAQUERO_SITE_ID)");
    cmd->add_option("--agent-id", opts->agent_id,
                    "This agent's name in the site's agents[] (default: $VAQUERO_AGENT_ID)");
    cmd->add_option("--shared-secret", opts->shared_secret,
                    "Secret proved to the server (default: $VAQUERO_SHARED_SECRET)");
    cmd->add_option("--server-addr", opts->server_addr,
                    "Server address (default: ServerClient.Addr)");
    cmd->add_option("--server-port", opts->server_port, "Server port (default: ServerClient.Port)");
    cmd->add_flag("-k,--insecure-skip-verify", opts->insecure,
                  "Accept any server certificate (ServerClient.InsecureSkipVerify)");
    cmd->add_option("--ca-file", opts->ca_file,
                    "PEM file of the CAs that sign the server's certificate (default: system CAs)");
    cmd->add_option("--listen", opts->listen,
                    "Address the HTTP server binds (default 0.0.0.0: every interface)");
    cmd->add_option("--http-port", opts->http_port,
                    "HTTP port instead of the agent's asset_server.port (0: any free port)");
    cmd->add_option("--http-threads", opts->http_threads, "HTTP threads (default: one per core)");
    cmd->add_flag("!--no-boot-services", opts->boot_services,
                  "Serve HTTP only: no DHCP and TFTP (no privileges needed)");
    cmd->add_option("--start-wait", opts->start_wait_s,
                    "Seconds to wait at start for a model (server or cache), default 10");
    cmd->callback([&ctx, opts] {
        opts->log_level = ctx.log_level;
        ctx.exit_code = agentd::runAgent(*opts);
    });
}

}  // namespace vq::cli
