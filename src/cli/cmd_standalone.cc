#include "standalone/standalone.h"

#include "cli/command.h"

namespace vq::cli {

void addStandaloneCommand(CLI::App& app, Context& ctx) {
    auto* cmd = app.add_subcommand("standalone", "Server and agent in one process");
    auto opts = std::make_shared<standalone::StandaloneOptions>();
    cmd->add_option("--config", opts->config_path, "Configuration file (CamelCase keys)")
        ->required();
    cmd->add_option("--site-id", opts->site_id,
                    "Site to serve (default: $VAQUERO_SITE_ID, else the only site)");
    cmd->add_option("--agent-id", opts->agent_id,
                    "Agent of the site (default: $VAQUERO_AGENT_ID, else the only agent)");
    cmd->add_option("--listen", opts->listen,
                    "Address the HTTP server binds (default 0.0.0.0: every interface)");
    cmd->add_option("--http-port", opts->http_port,
                    "HTTP port instead of the agent's asset_server.port (0: any free port)");
    cmd->add_option("--http-threads", opts->http_threads, "HTTP threads (default: one per core)");
    cmd->add_flag("!--no-boot-services", opts->boot_services,
                  "Serve HTTP only: no DHCP and TFTP (no privileges needed)");
    cmd->callback([&ctx, opts] {
        opts->log_level = ctx.log_level;
        ctx.exit_code = standalone::runStandalone(*opts);
    });
}

}  // namespace vq::cli
